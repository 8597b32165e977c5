namespace Secrets.Client;

/// <summary>
/// What the operating system agreed to do for the memory behind a <see cref="SecretValue"/>.
/// </summary>
/// <remarks>
/// Locking can fail without harm to correctness (for example when <c>RLIMIT_MEMLOCK</c> is small);
/// the store reports it once through its logger rather than failing the read.
/// </remarks>
[Flags]
public enum SecretMemoryProtection
{
    /// <summary>No protection beyond being wiped on release.</summary>
    None = 0,

    /// <summary>The bytes live in native memory the garbage collector never moves or copies.</summary>
    Pinned = 1,

    /// <summary>The pages are locked in RAM (<c>mlock</c>/<c>VirtualLock</c>) and are not written to swap.</summary>
    LockedInMemory = 2,

    /// <summary>The pages are excluded from core dumps (<c>madvise(MADV_DONTDUMP)</c>).</summary>
    ExcludedFromCoreDumps = 4,
}

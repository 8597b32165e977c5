namespace Secrets.Client;

/// <summary>
/// What the operating system agreed to do for the memory behind a <see cref="SecretValue"/>.
/// </summary>
/// <remarks>
/// <para>On Linux 5.14 and later the memory comes from <c>memfd_secret(2)</c> (<see cref="HiddenFromKernel"/>); where the
/// kernel or a seccomp filter refuses it, from locked anonymous pages excluded from core dumps; and where
/// <c>RLIMIT_MEMLOCK</c> is exhausted, from unlocked pages, which the store reports through its logger and the
/// <c>secrets.client.memory.values</c> metric. <see cref="SecretMemorySwitches"/> can refuse anything less than locked
/// memory, or turn <c>memfd_secret</c> off. <c>docs/security.md</c> has the whole matrix.</para>
/// </remarks>
[Flags]
public enum SecretMemoryProtection
{
    /// <summary>No protection beyond being wiped on release.</summary>
    None = 0,

    /// <summary>The bytes live in native memory the garbage collector never moves or copies.</summary>
    Pinned = 1,

    /// <summary>The pages are locked in RAM (<c>mlock</c>, <c>memfd_secret</c> or <c>VirtualLock</c>) and are not written to swap.</summary>
    LockedInMemory = 2,

    /// <summary>
    /// The pages are excluded from core dumps written by the kernel and <c>gcore</c> (<c>MADV_DONTDUMP</c>). .NET's
    /// <c>createdump</c> ignores this advice; only <see cref="HiddenFromKernel"/> keeps a value out of its dumps.
    /// </summary>
    ExcludedFromCoreDumps = 4,

    /// <summary>
    /// The pages come from <c>memfd_secret(2)</c>: they are removed from the kernel's direct map, so reads through
    /// <c>/proc/&lt;pid&gt;/mem</c> or <c>ptrace</c> fail and no dumper (<c>createdump</c> included) can copy them.
    /// </summary>
    HiddenFromKernel = 8,

    /// <summary>
    /// A child made by <c>fork</c> does not see the bytes (<c>MADV_DONTFORK</c> or <c>MADV_WIPEONFORK</c>).
    /// </summary>
    ExcludedFromChildProcesses = 16,
}

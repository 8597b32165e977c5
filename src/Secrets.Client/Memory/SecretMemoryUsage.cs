namespace Secrets.Client;

/// <summary>A snapshot of live secret values and mapped secret memory, by protection tier, for the memory metrics.</summary>
internal sealed class SecretMemoryUsage
{
    public const string HiddenTier = "memfd_secret";
    public const string LockedTier = "locked";
    public const string UnlockedTier = "unlocked";

    private readonly long[] _values = new long[3];
    private readonly long[] _bytes = new long[3];

    public static IReadOnlyList<string> Tiers { get; } = [HiddenTier, LockedTier, UnlockedTier];

    public static string TierOf(SecretMemoryProtection protection) => Tiers[TierIndex(protection)];

    public long Values(string tier) => _values[IndexOf(tier)];

    public long Bytes(string tier) => _bytes[IndexOf(tier)];

    public void Add(SecretMemoryProtection protection, long values, nuint bytes) => AddTier(TierIndex(protection), values, (long)bytes);

    public void AddTier(int tier, long values, long bytes)
    {
        _values[tier] += values;
        _bytes[tier] += bytes;
    }

    /// <summary>0 for memfd_secret, 1 for locked, 2 for unlocked: lower is better.</summary>
    public static int TierIndex(SecretMemoryProtection protection) =>
        (protection & SecretMemoryProtection.HiddenFromKernel) != 0 ? 0 :
        (protection & SecretMemoryProtection.LockedInMemory) != 0 ? 1 : 2;

    private static int IndexOf(string tier) => tier switch
    {
        HiddenTier => 0,
        LockedTier => 1,
        _ => 2,
    };
}

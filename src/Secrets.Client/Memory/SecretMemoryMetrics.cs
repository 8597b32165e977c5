using System.Diagnostics.Metrics;

namespace Secrets.Client;

/// <summary>
/// Publishes, on a store's meter, how much secret memory got which protection: so that an operator sees values falling
/// back to unlocked memory (an exhausted <c>RLIMIT_MEMLOCK</c>) or to <c>mlock</c> (no <c>memfd_secret</c>) without a log line.
/// </summary>
internal static class SecretMemoryMetrics
{
    /// <summary>The tag that names the protection tier: <c>memfd_secret</c>, <c>locked</c> or <c>unlocked</c>.</summary>
    public const string ProtectionTag = "secrets.memory.protection";

    public static void Register(Meter meter, SecretMemoryPool pool)
    {
        meter.CreateObservableUpDownCounter(
            "secrets.client.memory.values",
            () => Observe(pool, static (usage, tier) => usage.Values(tier)),
            "{value}",
            "Live secret values in this process, by the protection their memory got.");
        meter.CreateObservableUpDownCounter(
            "secrets.client.memory.size",
            () => Observe(pool, static (usage, tier) => usage.Bytes(tier)),
            "By",
            "Secret memory mapped in this process, by protection.");
    }

    private static IEnumerable<Measurement<long>> Observe(SecretMemoryPool pool, Func<SecretMemoryUsage, string, long> read)
    {
        var usage = pool.MeasureUsage();
        foreach (var tier in SecretMemoryUsage.Tiers)
        {
            yield return new Measurement<long>(read(usage, tier), new KeyValuePair<string, object?>(ProtectionTag, tier));
        }
    }
}

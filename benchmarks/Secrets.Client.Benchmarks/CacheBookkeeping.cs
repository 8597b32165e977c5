using System.Globalization;
using Secrets.Client.Testing;

namespace Secrets.Client.Benchmarks;

/// <summary>
/// Managed bookkeeping per cached secret, store included (issue 11: goal at most 400 B): N 32-byte secrets read through
/// a <see cref="SecretStore"/> over an in-memory provider, then the growth of the managed heap after full collections,
/// divided by N. The provider's own copies are seeded (and measured) first, so the figure is what the store keeps per
/// secret: its cache entry, the cache key, the <see cref="Secret"/>, its properties and its <see cref="SecretValue"/>
/// (the value's bytes live in native secret memory, counted separately). Allocated bytes per read are printed too.
/// </summary>
internal static class CacheBookkeeping
{
    public static async Task RunAsync(int count, int repeats)
    {
        Console.WriteLine($"count={count} repeats={repeats} load={LoadAverage()}");
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            var (retained, allocated) = await MeasureAsync(count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {repeat + 1}: retained {retained:F1} B/secret, allocated {allocated:F1} B/read"));
        }
    }

    private static async Task<(double Retained, double Allocated)> MeasureAsync(int count)
    {
        var provider = new InMemorySecretProvider(new InMemorySecretProviderOptions { Name = "mem", MaxBatchSize = 1 });
        var payload = new string('x', 32);
        for (var i = 0; i < count; i++)
        {
            provider.Set(Name(i), payload);
        }

        await using var store = new SecretStore([provider], new SecretStoreOptions
        {
            Environment = "Development",
            MaxCachedSecrets = count * 2,
            CacheDuration = TimeSpan.FromHours(1),
            BackgroundRefreshInterval = TimeSpan.FromHours(1),
        });
        provider.Set("warm-up", payload);
        _ = await store.GetSecretAsync(SecretReference.Parse("mem://warm-up")); // JIT and first-use structures stay out of the figure
        var before = Settle();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < count; i++)
        {
            _ = await store.GetSecretAsync(SecretReference.Parse("mem://" + Name(i)));
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var after = Settle();
        if (store.CachedCount < count)
        {
            throw new InvalidOperationException($"only {store.CachedCount} of {count} secrets are cached");
        }

        GC.KeepAlive(store);
        GC.KeepAlive(provider);
        return ((after - before) / (double)count, allocated / (double)count);
    }

    private static string Name(int i) => "secret-" + i.ToString("D6", CultureInfo.InvariantCulture);

    private static long Settle()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}

using System.Diagnostics;
using Secrets.Client;
using Secrets.Client.Testing;

namespace Secrets.Client.Benchmarks;

/// <summary>Figures that are counts or one-shot wall times rather than per-operation costs.</summary>
internal static class Scenarios
{
    public static async Task RunAsync()
    {
        await ConcurrentColdReadsAsync();
        await BulkLoadAsync(batchSize: 20, concurrency: 16);
        await BulkLoadAsync(batchSize: 1, concurrency: 16);
    }

    private static async Task ConcurrentColdReadsAsync()
    {
        var provider = new InMemorySecretProvider();
        provider.Set("cold", "v");
        provider.Faults.Latency = TimeSpan.FromMilliseconds(20);
        await using var store = new SecretStore([provider]);
        var reference = SecretReference.Parse("memory://cold");
        using var start = new ManualResetEventSlim();
        var reads = Enumerable.Range(0, 1_000).Select(_ => Task.Run(() => store.GetSecretAsync(reference).AsTask())).ToArray();
        await Task.WhenAll(reads);
        Console.WriteLine($"concurrent-cold-reads: 1000 concurrent cold reads of one secret -> {provider.GetSecretCalls} backend call(s)");
    }

    private static async Task BulkLoadAsync(int batchSize, int concurrency)
    {
        const int count = 1_000;
        var latency = TimeSpan.FromMilliseconds(20);
        var provider = new InMemorySecretProvider(new InMemorySecretProviderOptions { MaxBatchSize = batchSize });
        var references = Enumerable.Range(0, count).Select(i => SecretReference.Parse($"memory://bulk/{i}")).ToArray();
        foreach (var reference in references)
        {
            provider.Set(reference.Path, "v");
        }

        provider.Faults.Latency = latency;
        await using var store = new SecretStore([provider], new SecretStoreOptions { MaxConcurrency = concurrency });
        var watch = Stopwatch.StartNew();
        var results = await store.GetSecretsAsync(references);
        watch.Stop();
        if (results.Any(result => !result.IsSuccess))
        {
            throw new InvalidOperationException("bulk load failed");
        }

        var calls = (count + batchSize - 1) / batchSize;
        var rounds = (calls + concurrency - 1) / concurrency;
        var ideal = latency * rounds;
        var oneByOne = latency * count;
        Console.WriteLine(
            $"bulk-load: {count} secrets, {latency.TotalMilliseconds:0} ms latency, batch {batchSize}, concurrency {concurrency}: " +
            $"{watch.Elapsed.TotalMilliseconds:0} ms in {provider.TotalCalls} calls; ideal {ideal.TotalMilliseconds:0} ms ({watch.Elapsed / ideal:0.00}x); " +
            $"one-by-one {oneByOne.TotalSeconds:0.0} s ({oneByOne / watch.Elapsed:0}x faster)");
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Secrets.Client.Azure;
using Secrets.Client.Testing;

namespace Secrets.Client.Azure.Benchmarks;

/// <summary>
/// Start-up load of 500 secrets with 20 ms injected latency per request: one by one, against the provider's prefix load
/// (listing pages of 25 while fetching values concurrently). Goal: at least 20x faster.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class StartupLoadBenchmarks
{
    private const int Count = 500;
    private AzureKeyVaultEmulator _emulator = null!;
    private AzureKeyVaultSecretProvider _provider = null!;
    private SecretStore _store = null!;
    private SecretReference[] _references = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _emulator = await AzureKeyVaultEmulator.StartAsync();
        _references = new SecretReference[Count];
        for (var i = 0; i < Count; i++)
        {
            _emulator.SetSecret($"app--setting{i:D3}", $"value-{i:D3}");
            _references[i] = SecretReference.Parse($"azure-kv://main/app--setting{i:D3}");
        }

        _provider = EmulatedVault.CreateProvider(_emulator);
        _store = new SecretStore([_provider], new SecretStoreOptions { Environment = "Development" });
        await PrefixLoad();
        _emulator.Faults.Latency = TimeSpan.FromMilliseconds(20);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync(); // disposes the provider
        await _emulator.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "500 x GetSecretAsync, one by one")]
    public async Task<int> OneByOne()
    {
        var total = 0;
        foreach (var reference in _references)
        {
            using var secret = await _provider.GetSecretAsync(reference);
            total += secret.Value.Length;
        }

        return total;
    }

    [Benchmark(Description = "GetSecretsAsync(500 named references)")]
    public async Task<int> NamedLoad()
    {
        // The configuration path for named secrets (source.Add(...) x 500): no listing, bounded concurrent fetches.
        var total = 0;
        foreach (var result in await _provider.GetSecretsAsync(_references))
        {
            using var secret = result.Secret ?? throw result.Error!;
            total += secret.Value.Length;
        }

        return total;
    }

    [Benchmark(Description = "store.LoadSecretsAsync(\"azure-kv\", \"app--\")")]
    public async Task<int> PrefixLoad()
    {
        // Through the store (scoped and audited), as apps call it; the provider's load streams underneath.
        var total = 0;
        foreach (var result in await _store.LoadSecretsAsync("azure-kv", "app--"))
        {
            using var secret = result.Secret ?? throw result.Error!;
            total += secret.Value.Length;
        }

        return total == 0 ? throw new InvalidOperationException("nothing loaded") : total;
    }
}

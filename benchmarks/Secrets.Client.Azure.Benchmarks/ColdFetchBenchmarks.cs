using Azure.Security.KeyVault.Secrets;
using BenchmarkDotNet.Attributes;
using Secrets.Client.Azure;
using Secrets.Client.Testing;

namespace Secrets.Client.Azure.Benchmarks;

/// <summary>
/// Adapter overhead on a cold fetch (every call goes to the vault; no cache): our provider against a bare
/// <c>SecretClient.GetSecretAsync</c>, same emulator, same transport. Goal: at most 1.1x.
/// </summary>
[MemoryDiagnoser]
public class ColdFetchBenchmarks
{
    private static readonly SecretReference Reference = SecretReference.Parse("azure-kv://main/db-password");
    private AzureKeyVaultEmulator _emulator = null!;
    private SecretClient _client = null!;
    private AzureKeyVaultSecretProvider _provider = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _emulator = await AzureKeyVaultEmulator.StartAsync();
        _emulator.SetSecret("db-password", "correct horse battery staple");
        _client = EmulatedVault.CreateClient(_emulator);
        _provider = EmulatedVault.CreateProvider(_emulator);
        await _client.GetSecretAsync("db-password");
        using var warm = await _provider.GetSecretAsync(Reference);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _provider.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "SecretClient.GetSecretAsync")]
    public async Task<int> BareSecretClient()
    {
        var secret = (await _client.GetSecretAsync("db-password")).Value;
        return secret.Value.Length;
    }

    [Benchmark(Description = "AzureKeyVaultSecretProvider.GetSecretAsync")]
    public async Task<int> Provider()
    {
        using var secret = await _provider.GetSecretAsync(Reference);
        return secret.Value.Length;
    }
}

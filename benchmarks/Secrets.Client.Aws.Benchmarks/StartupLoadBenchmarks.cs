using Amazon.Runtime;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Secrets.Client;
using Secrets.Client.Aws;
using Secrets.Client.Testing;

namespace Secrets.Client.Aws.Benchmarks;

/// <summary>
/// Loading 1,000 secrets at start-up with 20 ms injected latency per request: BatchGetSecretValue (20 ids a call, a
/// few calls in flight) against one GetSecretValue at a time. Goal: at least 100x less time.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class StartupLoadBenchmarks
{
    private const int Count = 1000;
    private AwsSecretsManagerEmulator _emulator = null!;
    private AwsSecretsManagerSecretProvider _provider = null!;
    private SecretReference[] _references = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _emulator = await AwsSecretsManagerEmulator.StartAsync();
        for (var i = 0; i < Count; i++)
        {
            _emulator.CreateSecret($"startup/{i:D4}", $"value-{i:D4}-0123456789abcdef");
        }

        _emulator.Faults.Latency = TimeSpan.FromMilliseconds(20);
        _provider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
        {
            Region = _emulator.Region,
            Endpoint = _emulator.Endpoint,
            Credentials = new BasicAWSCredentials(_emulator.AccessKeyId, _emulator.SecretAccessKey),
        });
        _references = Enumerable.Range(0, Count).Select(i => new SecretReference("aws-sm", $"startup/{i:D4}")).ToArray();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        Console.WriteLine($"// requests: BatchGetSecretValue={_emulator.GetRequestCount("BatchGetSecretValue")}, GetSecretValue={_emulator.GetRequestCount("GetSecretValue")}");
        await _provider.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "GetSecretValue one at a time")]
    public async Task<int> OneAtATimeAsync()
    {
        var total = 0;
        foreach (var reference in _references)
        {
            using var secret = await _provider.GetSecretAsync(reference);
            total += secret.Value.Length;
        }

        return total;
    }

    [Benchmark(Description = "BatchGetSecretValue")]
    public async Task<int> BatchAsync()
    {
        var total = 0;
        foreach (var result in await _provider.GetSecretsAsync(_references))
        {
            using var secret = result.Secret ?? throw result.Error!;
            total += secret.Value.Length;
        }

        return total;
    }
}

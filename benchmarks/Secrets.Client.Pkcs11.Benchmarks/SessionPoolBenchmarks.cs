using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Secrets.Client.Pkcs11.Benchmarks;

/// <summary>
/// 64 concurrent ES256 / RS256 signatures from many tasks, through a pool of one session versus the default pool
/// (twice the processor count). Goal on 2 cores: at least 1.7x the single-session throughput.
/// </summary>
public class SessionPoolBenchmarks
{
    private const int Signatures = 64;
    private static readonly byte[] Data = RandomNumberGenerator.GetBytes(256);
    private BenchmarkToken _token = null!;
    private Pkcs11Signer _signer = null!;
    private Pkcs11Key _ec = null!;
    private Pkcs11Key _rsa = null!;

    /// <summary>Gets or sets the pool size: 1, or 0 for the default.</summary>
    [Params(1, 0)]
    public int MaxSessions { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _token = new BenchmarkToken();
        _signer = _token.CreateSigner(MaxSessions);
        _ec = await _signer.GetKeyAsync("ec");
        _rsa = await _signer.GetKeyAsync("rsa");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _signer.DisposeAsync();
        _token.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Signatures, Description = "ES256, 64 concurrent tasks")]
    public Task Es256Concurrent() => Run(_ec, Pkcs11SignatureAlgorithm.ES256);

    [Benchmark(OperationsPerInvoke = Signatures, Description = "RS256, 64 concurrent tasks")]
    public Task Rs256Concurrent() => Run(_rsa, Pkcs11SignatureAlgorithm.RS256);

    private static Task Run(Pkcs11Key key, Pkcs11SignatureAlgorithm algorithm)
    {
        var tasks = new Task[Signatures];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = Task.Run(async () => await key.SignDataAsync(Data, algorithm));
        }

        return Task.WhenAll(tasks);
    }
}

using System.Security.Cryptography;
using Amazon.Runtime;
using BenchmarkDotNet.Attributes;
using Secrets.Client;

namespace Secrets.Client.Aws.Benchmarks;

/// <summary>
/// Steps the adapter adds to a cold fetch, each timed alone (and therefore hot): secret memory, the body hash, reading
/// credentials. Signing alone is in <see cref="ColdFetchBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class ColdFetchBreakdownBenchmarks
{
    private static readonly byte[] Body = """{"SecretId":"bench/db"}"""u8.ToArray();
    private static readonly byte[] Value = """{"username":"app","password":"0123456789abcdef0123456789abcdef"}"""u8.ToArray();
    private readonly BasicAWSCredentials _credentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    [Benchmark(Description = "SecretValue.FromBytes + Dispose (native alloc, mlock, madvise, wipe, munlock)")]
    public int SecretMemory()
    {
        using var value = SecretValue.FromBytes(Value);
        return value.Length;
    }

    [Benchmark(Description = "SHA-256 of the body + lower hex")]
    public int BodyHash() => Convert.ToHexStringLower(SHA256.HashData(Body)).Length;

    [Benchmark(Description = "credentials.GetCredentialsAsync")]
    public async Task<int> Credentials() => (await _credentials.GetCredentialsAsync()).AccessKey.Length;
}

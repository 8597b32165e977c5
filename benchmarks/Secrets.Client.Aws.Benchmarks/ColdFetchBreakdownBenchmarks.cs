using System.Buffers;
using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using BenchmarkDotNet.Attributes;
using Secrets.Client;
using Secrets.Client.Testing;

namespace Secrets.Client.Aws.Benchmarks;

/// <summary>
/// The adapter's cold fetch taken apart: each step it adds on top of the raw pre-signed request, timed alone, so the
/// difference between <see cref="ColdFetchBenchmarks"/> rows can be attributed.
/// </summary>
[MemoryDiagnoser]
public class ColdFetchBreakdownBenchmarks
{
    private static readonly byte[] Body = """{"SecretId":"bench/db"}"""u8.ToArray();
    private static readonly byte[] Value = """{"username":"app","password":"0123456789abcdef0123456789abcdef"}"""u8.ToArray();
    private AwsSecretsManagerEmulator _emulator = null!;
    private HttpClient _raw = null!;
    private BasicAWSCredentials _credentials = null!;
    private RegionEndpoint _region = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _emulator = await AwsSecretsManagerEmulator.StartAsync();
        _emulator.CreateSecret("bench/db", System.Text.Encoding.UTF8.GetString(Value));
        _credentials = new BasicAWSCredentials(_emulator.AccessKeyId, _emulator.SecretAccessKey);
        _region = RegionEndpoint.GetBySystemName(_emulator.Region);
        _raw = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _raw.Dispose();
        await _emulator.DisposeAsync();
    }

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

    [Benchmark(Description = "raw request signed per call (AWSSigV4Signer over the body)")]
    public async Task<int> RawSignedPerCallAsync()
    {
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = _emulator.Endpoint, Content = Body };
        signing.Headers["Content-Type"] = "application/x-amz-json-1.1";
        signing.Headers["X-Amz-Target"] = "secretsmanager.GetSecretValue";
        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters { Credentials = _credentials, Region = _region, Service = "secretsmanager" });
        using var request = new HttpRequestMessage(HttpMethod.Post, _emulator.Endpoint) { Content = new ByteArrayContent(Body) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.GetSecretValue");
        foreach (var header in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var response = await _raw.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode ? bytes.Length : throw new InvalidOperationException(System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Benchmark(Description = "raw request signed per call, streamed into a pooled buffer, value into SecretValue")]
    public async Task<int> RawSignedStreamedAsync()
    {
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = _emulator.Endpoint, Content = Body };
        signing.Headers["Content-Type"] = "application/x-amz-json-1.1";
        signing.Headers["X-Amz-Target"] = "secretsmanager.GetSecretValue";
        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters { Credentials = _credentials, Region = _region, Service = "secretsmanager" });
        using var request = new HttpRequestMessage(HttpMethod.Post, _emulator.Endpoint) { Content = new ByteArrayContent(Body) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.GetSecretValue");
        foreach (var header in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var response = await _raw.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var count = 0;
        await using (var stream = await response.Content.ReadAsStreamAsync())
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(count))) > 0)
            {
                count += read;
            }
        }

        using var value = SecretValue.FromBytes(buffer.AsSpan(0, count));
        CryptographicOperations.ZeroMemory(buffer.AsSpan(0, count));
        ArrayPool<byte>.Shared.Return(buffer);
        return value.Length;
    }
}

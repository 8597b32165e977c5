using System.Buffers;
using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using BenchmarkDotNet.Attributes;
using Secrets.Client;
using Secrets.Client.Aws;
using Secrets.Client.Testing;

namespace Secrets.Client.Aws.Benchmarks;

/// <summary>
/// One uncached GetSecretValue through the adapter (sign, send, parse into secret memory, wipe) against a raw
/// HttpClient request to the same emulator whose signature was computed once up front. Goal: adapter at most 1.2x.
/// Two more raw rows sign per call, and also stream into a cleared pooled buffer and copy into secret memory: the floor
/// an adapter that must sign every request and keep values in locked memory can reach.
/// </summary>
[MemoryDiagnoser]
public class ColdFetchBenchmarks
{
    private static readonly byte[] Body = """{"SecretId":"bench/db"}"""u8.ToArray();
    private AwsSecretsManagerEmulator _emulator = null!;
    private AwsSecretsManagerSecretProvider _provider = null!;
    private HttpClient _raw = null!;
    private IDictionary<string, string> _signedHeaders = null!;
    private BasicAWSCredentials _credentials = null!;
    private RegionEndpoint _region = null!;
    private readonly SecretReference _reference = new("aws-sm", "bench/db");

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _emulator = await AwsSecretsManagerEmulator.StartAsync();
        _emulator.CreateSecret("bench/db", """{"username":"app","password":"0123456789abcdef0123456789abcdef"}""");
        var credentials = _credentials = new BasicAWSCredentials(_emulator.AccessKeyId, _emulator.SecretAccessKey);
        _provider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions { Region = _emulator.Region, Endpoint = _emulator.Endpoint, Credentials = credentials });
        _region = RegionEndpoint.GetBySystemName(_emulator.Region);
        _raw = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = _emulator.Endpoint, Content = Body };
        signing.Headers["Content-Type"] = "application/x-amz-json-1.1";
        signing.Headers["X-Amz-Target"] = "secretsmanager.GetSecretValue";
        _signedHeaders = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters { Credentials = credentials, Region = _region, Service = "secretsmanager" }).Headers;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _provider.DisposeAsync();
        _raw.Dispose();
        await _emulator.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "raw pre-signed HttpClient")]
    public async Task<int> RawPreSignedAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _emulator.Endpoint) { Content = new ByteArrayContent(Body) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.GetSecretValue");
        foreach (var header in _signedHeaders)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var response = await _raw.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode ? bytes.Length : throw new InvalidOperationException(System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Benchmark(Description = "AWSSigV4Signer.SignAsync alone (part of the adapter's cost)")]
    public async Task<int> SignOnlyAsync()
    {
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = _emulator.Endpoint };
        signing.Headers["Content-Type"] = "application/x-amz-json-1.1";
        signing.Headers["X-Amz-Target"] = "secretsmanager.GetSecretValue";
        signing.Headers["X-Amz-Content-SHA256"] = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters { Credentials = _credentials, Region = RegionEndpoint.USEast1, Service = "secretsmanager" });
        return signed.Headers.Count;
    }

    [Benchmark(Description = "adapter GetSecretAsync (cold)")]
    public async Task<int> AdapterAsync()
    {
        using var secret = await _provider.GetSecretAsync(_reference);
        return secret.Value.Length;
    }

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

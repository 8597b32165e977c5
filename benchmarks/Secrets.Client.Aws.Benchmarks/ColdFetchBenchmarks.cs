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
/// </summary>
[MemoryDiagnoser]
public class ColdFetchBenchmarks
{
    private static readonly byte[] Body = """{"SecretId":"bench/db"}"""u8.ToArray();
    private AwsSecretsManagerEmulator _emulator = null!;
    private AwsSecretsManagerProvider _provider = null!;
    private HttpClient _raw = null!;
    private IDictionary<string, string> _signedHeaders = null!;
    private BasicAWSCredentials _credentials = null!;
    private readonly SecretReference _reference = new("aws-sm", "bench/db");

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _emulator = await AwsSecretsManagerEmulator.StartAsync();
        _emulator.CreateSecret("bench/db", """{"username":"app","password":"0123456789abcdef0123456789abcdef"}""");
        var credentials = _credentials = new BasicAWSCredentials(_emulator.AccessKeyId, _emulator.SecretAccessKey);
        _provider = new AwsSecretsManagerProvider(new AwsSecretsManagerProviderOptions { Region = _emulator.Region, ServiceUrl = _emulator.Endpoint, Credentials = credentials });
        _raw = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = _emulator.Endpoint, Content = Body };
        signing.Headers["Content-Type"] = "application/x-amz-json-1.1";
        signing.Headers["X-Amz-Target"] = "secretsmanager.GetSecretValue";
        _signedHeaders = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters { Credentials = credentials, Region = RegionEndpoint.GetBySystemName(_emulator.Region), Service = "secretsmanager" }).Headers;
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
}

using System.Net;
using System.Text;

namespace Secrets.Client.Gcp.Tests;

/// <summary>
/// Legal encodings of an <c>:access</c> answer that our emulator never sends (escaped base64 characters, the checksum as
/// a JSON number, an empty payload left out, garbage), served by a fixed-response handler.
/// </summary>
public sealed class AccessResponseParsingTests
{
    private static readonly byte[] Bytes = [0xfb, 0xff, 0xbf, 0x41]; // base64 "+/+/QQ==": both '+' and '/'

    [Fact]
    public async Task Escaped_base64_and_a_numeric_checksum_are_read()
    {
        var crc = Crc32C.Compute(Bytes);
        var body = $$$"""{"name":"projects/p/secrets/s/versions/7","payload":{"data":"\u002B\/+\/QQ==","dataCrc32c":{{{crc}}}}}""";
        await using var provider = Create(body);

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("gcp-sm://p/s"));

        Assert.Equal(Bytes, secret.Value.ExposeAsBytes());
        Assert.Equal("7", secret.Properties.Version);
    }

    [Fact]
    public async Task A_left_out_payload_is_an_empty_value()
    {
        await using var provider = Create("""{"name":"projects/p/secrets/s/versions/1","payload":{"dataCrc32c":"0"}}""");

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("gcp-sm://p/s"));

        Assert.Equal(0, secret.Value.Length);
    }

    [Fact]
    public async Task A_wrong_numeric_checksum_is_an_integrity_error()
    {
        var body = $$$"""{"name":"projects/p/secrets/s/versions/1","payload":{"data":"+/+/QQ==","dataCrc32c":{{{Crc32C.Compute(Bytes) ^ 1}}}}}""";
        await using var provider = Create(body);

        await Assert.ThrowsAsync<SecretIntegrityException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://p/s")).AsTask());
    }

    [Theory]
    [InlineData("""{"name":"projects/p/secrets/s/versions/1","payload":{"data":"not base64!","dataCrc32c":"0"}}""", typeof(SecretFormatException))]
    [InlineData("""{"name":"projects/p/secrets/s/versions/1","payload":{"data":"QQ==","dataCrc32c":"x"}}""", typeof(SecretFormatException))]
    [InlineData("""{"payload":{"data":"QQ=="}}""", typeof(SecretFormatException))]
    [InlineData("<html>", typeof(SecretFormatException))]
    public async Task Malformed_answers_are_typed_errors(string body, Type expected)
    {
        await using var provider = Create(body);

        var error = await Assert.ThrowsAnyAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://p/s")).AsTask());

        Assert.IsType(expected, error);
        Assert.Equal("p/s", error.SecretName);
    }

    private static GcpSecretManagerSecretProvider Create(string body) =>
        new(new GcpSecretManagerSecretProviderOptions
        {
            Endpoint = new Uri("https://secretmanager.googleapis.com/"),
            AccessTokenProvider = _ => new ValueTask<string>("t"),
            HttpHandler = new FixedResponseHandler(body),
        });

    private sealed class FixedResponseHandler(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("Bearer t", request.Headers.Authorization?.ToString());
            Assert.EndsWith("/v1/projects/p/secrets/s/versions/latest:access", request.RequestUri!.AbsolutePath, StringComparison.Ordinal);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}

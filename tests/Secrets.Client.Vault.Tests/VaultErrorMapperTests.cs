using System.Net;
using System.Text;
using Secrets.Client.Transport;

namespace Secrets.Client.Vault.Tests;

/// <summary>Vault's status codes and error bodies become the core's typed errors, quoting only the errors array.</summary>
public sealed class VaultErrorMapperTests
{
    [Theory]
    [InlineData(404, """{"errors":[]}""", typeof(SecretNotFoundException), "NotFound", false)]
    [InlineData(403, """{"errors":["permission denied"]}""", typeof(SecretAccessDeniedException), "PermissionDenied", false)]
    [InlineData(429, """{"errors":["rate limit quota exceeded"]}""", typeof(SecretUnavailableException), "RateLimited", true)]
    [InlineData(503, """{"errors":["Vault is sealed"]}""", typeof(SecretUnavailableException), "Sealed", true)]
    [InlineData(500, """{"errors":["internal error"]}""", typeof(SecretUnavailableException), "ServerError", true)]
    [InlineData(502, "<html>bad gateway</html>", typeof(SecretUnavailableException), "ServerError", true)]
    [InlineData(473, "", typeof(SecretUnavailableException), "ServerError", true)]
    [InlineData(400, """{"errors":["invalid path"]}""", typeof(InvalidSecretReferenceException), "BadRequest", false)]
    [InlineData(405, """{"errors":["unsupported operation"]}""", typeof(SecretStoreException), "Status405", false)]
    public async Task Maps_status_and_body(int status, string body, Type expected, string code, bool transient)
    {
        using var response = await ResponseAsync(status, body);

        var error = VaultErrorMapper.Map("vault", "secret/app/db", response);

        Assert.IsType(expected, error);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(transient, error.IsTransient);
        Assert.DoesNotContain("<html>", error.Message, StringComparison.Ordinal);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_found_says_when_the_version_was_destroyed()
    {
        using var response = await ResponseAsync(404, """{"data":{"data":null,"metadata":{"deletion_time":"","destroyed":true,"version":4}}}""");

        var error = Assert.IsType<SecretNotFoundException>(VaultErrorMapper.Map("vault", "secret/app/db", response));

        Assert.Equal("SecretDestroyed", error.ErrorCode);
        Assert.Contains("Version 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_carries_retry_after()
    {
        using var message = new HttpResponseMessage((HttpStatusCode)429) { Content = new StringContent("""{"errors":["slow down"]}""") };
        message.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(12));
        using var response = await SecretHttpResponse.ReadAsync(message, TimeProvider.System, CancellationToken.None);

        var error = Assert.IsType<SecretUnavailableException>(VaultErrorMapper.Map("vault", "secret/app/db", response));

        Assert.True(error.IsThrottled);
        Assert.Equal(TimeSpan.FromSeconds(12), error.RetryAfter);
    }

    [Fact]
    public void Network_failures_and_timeouts_are_transient()
    {
        var network = VaultErrorMapper.MapException("vault", "secret/a", new HttpRequestException(HttpRequestError.ConnectionError, "refused"));
        var timeout = VaultErrorMapper.MapException("vault", "secret/a", new TaskCanceledException("timeout"));
        var malformed = VaultErrorMapper.MapException("vault", "secret/a", new System.Text.Json.JsonException("bad"));

        Assert.Equal("NetworkError", Assert.IsType<SecretUnavailableException>(network).ErrorCode);
        Assert.Equal("Timeout", Assert.IsType<SecretUnavailableException>(timeout).ErrorCode);
        Assert.Equal("MalformedResponse", malformed.ErrorCode);
        Assert.False(malformed.IsTransient);
    }

    private static async Task<SecretHttpResponse> ResponseAsync(int status, string body)
    {
        using var message = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        return await SecretHttpResponse.ReadAsync(message, TimeProvider.System, CancellationToken.None);
    }
}

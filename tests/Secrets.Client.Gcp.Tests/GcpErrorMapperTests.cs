using System.Net.Http.Headers;
using System.Text;
using Secrets.Client.Transport;

namespace Secrets.Client.Gcp.Tests;

/// <summary>Google's error JSON onto the core's typed errors.</summary>
public sealed class GcpErrorMapperTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(404, "NOT_FOUND", typeof(SecretNotFoundException), "NOT_FOUND")]
    [InlineData(403, "PERMISSION_DENIED", typeof(SecretAccessDeniedException), "PERMISSION_DENIED")]
    [InlineData(401, "UNAUTHENTICATED", typeof(SecretAccessDeniedException), "UNAUTHENTICATED")]
    [InlineData(429, "RESOURCE_EXHAUSTED", typeof(SecretUnavailableException), "RESOURCE_EXHAUSTED")]
    [InlineData(503, "UNAVAILABLE", typeof(SecretUnavailableException), "UNAVAILABLE")]
    [InlineData(504, "DEADLINE_EXCEEDED", typeof(SecretUnavailableException), "DEADLINE_EXCEEDED")]
    [InlineData(400, "INVALID_ARGUMENT", typeof(SecretStoreException), "INVALID_ARGUMENT")]
    public void Maps_status_to_a_typed_error(int http, string status, Type expected, string code)
    {
        var error = Map(http, $$$"""{"error":{"code":{{{http}}},"message":"m","status":"{{{status}}}"}}""");

        Assert.IsType(expected, error);
        Assert.Equal(code, error.ErrorCode);
        Assert.Contains("'s1'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Secret Version [projects/p/secrets/s/versions/1] is in DISABLED state.", "SecretVersionDisabled")]
    [InlineData("Secret Version [projects/p/secrets/s/versions/1] is in DESTROYED state.", "SecretVersionDestroyed")]
    [InlineData("Something else.", "FAILED_PRECONDITION")]
    public void Failed_precondition_is_not_found_with_the_state_as_code(string message, string code)
    {
        var error = Map(400, $$$"""{"error":{"code":400,"message":"{{{message}}}","status":"FAILED_PRECONDITION"}}""");

        Assert.IsType<SecretNotFoundException>(error);
        Assert.Equal(code, error.ErrorCode);
    }

    [Fact]
    public void RetryInfo_detail_gives_the_retry_delay_when_no_header_does()
    {
        var error = Map(429, """{"error":{"code":429,"message":"q","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2.5s"}]}}""");

        var unavailable = Assert.IsType<SecretUnavailableException>(error);
        Assert.True(unavailable.IsThrottled);
        Assert.Equal(TimeSpan.FromSeconds(2.5), unavailable.RetryAfter);
    }

    [Fact]
    public void Retry_After_date_is_measured_from_the_response_date()
    {
        using var response = new HttpResponseMessage();
        response.Headers.Date = Now;
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(9));

        var error = GcpErrorMapper.MapResponse("gcp-sm", "s1", 503, SecretHttpResponse.ParseRetryAfter(response.Headers, Now.AddHours(1)), "{}"u8);

        Assert.Equal(TimeSpan.FromSeconds(9), Assert.IsType<SecretUnavailableException>(error).RetryAfter);
    }

    [Fact]
    public void A_body_that_is_not_Google_JSON_falls_back_to_the_HTTP_status()
    {
        var error = Map(502, "<html>Bad Gateway</html>");

        Assert.IsType<SecretUnavailableException>(error);
        Assert.Equal("HTTP_502", error.ErrorCode);
    }

    private static SecretStoreException Map(int http, string body)
    {
        return GcpErrorMapper.MapResponse("gcp-sm", "s1", http, retryAfterHeader: null, Encoding.UTF8.GetBytes(body));
    }
}

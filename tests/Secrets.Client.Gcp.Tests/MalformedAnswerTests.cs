using System.Net;
using System.Text;

namespace Secrets.Client.Gcp.Tests;

/// <summary>
/// Access and list answers that are JSON but not Secret Manager's shape (a string that decodes to a lone surrogate, a
/// property of the wrong type or missing) are format errors of the answer with <c>ErrorCode</c> <c>MalformedResponse</c>,
/// not retryable "unavailable" errors (issue #11).
/// </summary>
public sealed class MalformedAnswerTests
{
    [Theory]
    [InlineData("""{"name":"projects/p/secrets/s/versions/1","payload":{"data":"\ud800"}}""")]
    [InlineData("""{"name":5,"payload":{"data":"QQ=="}}""")]
    [InlineData("""{"name":"projects/p/secrets/s/versions/","payload":{"data":"QQ=="}}""")]
    [InlineData("""{"name":"projects/p/secrets/s/versions/1","payload":{"data":"QQ==","dataCrc32c":"1e99"}}""")]
    public async Task A_malformed_access_answer_is_a_format_error(string body)
    {
        await using var provider = Create(body);

        var error = await Assert.ThrowsAsync<SecretFormatException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://p/s")).AsTask());

        Assert.Equal("MalformedResponse", error.ErrorCode);
        Assert.Equal("p/s", error.SecretName);
    }

    [Theory]
    [InlineData("""{"secrets":[5]}""")]
    [InlineData("""{"secrets":[{"labels":{}}]}""")]
    [InlineData("""{"secrets":[{"name":"\udc00"}]}""")]
    [InlineData("""{"secrets":[{"name":"projects/p/secrets/s","labels":{"k":"\ud800"}}]}""")]
    public async Task A_malformed_list_answer_is_a_format_error(string body)
    {
        await using var provider = Create(body);

        var error = await Assert.ThrowsAsync<SecretFormatException>(async () =>
        {
            await foreach (var _ in provider.ListSecretsAsync("p/"))
            {
            }
        });

        Assert.Equal("MalformedResponse", error.ErrorCode);
    }

    private static GcpSecretManagerSecretProvider Create(string body) =>
        new(new GcpSecretManagerSecretProviderOptions
        {
            Endpoint = new Uri("https://secretmanager.googleapis.com/"),
            AccessTokenProvider = _ => new ValueTask<string>("t"),
            HttpHandler = new AnswerHandler(body),
        });

    private sealed class AnswerHandler(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Secrets.Client.Transport;

namespace Secrets.Client.Gcp;

/// <summary>
/// Sends Secret Manager's REST requests: the bearer token (re-read each time), the user agent, and failures mapped to the
/// SDK's errors from Google's error body.
/// </summary>
internal sealed class GcpApiClient(string provider, Uri endpoint, GcpCredentials credentials, SecretHttpTransport transport)
{
    private static readonly ProductInfoHeaderValue UserAgent = new("Secrets.Client.Gcp", typeof(GcpSecretManagerSecretProvider).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

    public async ValueTask<SecretHttpResponse> SendAsync(HttpMethod method, string path, HttpContent? content, string operation, GcpLocation location, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(endpoint, path)) { Content = content };
        if (credentials.HasTokens)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await credentials.GetTokenAsync(cancellationToken).ConfigureAwait(false));
        }

        request.Headers.UserAgent.Add(UserAgent);
        return await transport.SendAsync(request, operation, location.DisplayName, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JsonDocument> GetJsonAsync(GcpLocation location, string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, content: null, "get", location, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? ParseCopy(response.Body) : throw MapResponse(location, response);
    }

    /// <summary>POSTs a body; answers 404 and 409 with their status and no document (callers decide), other failures throw.</summary>
    public async Task<(HttpStatusCode Status, JsonDocument? Document)> PostAsync(GcpLocation location, string path, byte[] body, int length, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body, 0, length);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var response = await SendAsync(HttpMethod.Post, path, content, "post", location, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            return (response.Status, ParseCopy(response.Body));
        }

        var error = MapResponse(location, response);
        return response.Status is HttpStatusCode.NotFound or HttpStatusCode.Conflict && error is SecretNotFoundException or { ErrorCode: "ALREADY_EXISTS" }
            ? (response.Status, null)
            : throw error;
    }

    public SecretStoreException MapResponse(GcpLocation location, SecretHttpResponse response) =>
        GcpErrorMapper.MapResponse(provider, location.DisplayName, (int)response.Status, response.RetryAfter, response.Body);

    /// <summary>Parses metadata into a document that owns its own copy: the pooled buffer goes back to the pool right after.</summary>
    private static JsonDocument ParseCopy(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonDocument.ParseValue(ref reader);
    }
}

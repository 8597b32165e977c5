using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Secrets.Client.Transport;

namespace Secrets.Client.OnePassword;

/// <summary>
/// Reads items from a 1Password Connect server: <c>GET /v1/vaults?filter=name eq "..."</c> and
/// <c>GET /v1/vaults/{id}/items?filter=title eq "..."</c> to turn names into ids (as the official SDKs do; a 26-character
/// id is used as it is), then <c>GET /v1/vaults/{vault}/items/{item}</c> and <c>.../files/{file}/content</c>. Bodies are
/// read into wiped buffers through the shared <see cref="SecretHttpTransport"/>: redirects are refused, so the token never
/// goes elsewhere, every request is recorded in <c>secrets.provider.*</c> metrics, and status codes map to the SDK's errors.
/// </summary>
internal sealed partial class ConnectTransport : IOnePasswordTransport
{
    private readonly SecretHttpTransport _http;
    private readonly Uri _base;
    private readonly string _provider;
    private readonly OnePasswordSecretProviderOptions _options;

    public ConnectTransport(OnePasswordSecretProviderOptions options, string provider, SecretHttpTransport http)
    {
        var host = options.Endpoint ?? (Environment.GetEnvironmentVariable("OP_CONNECT_HOST") is { Length: > 0 } text ? new Uri(text) : null);
        if (host is null || Token(options) is null)
        {
            http.Dispose();
            throw new ArgumentException(host is null ? "Connect needs a host: set Endpoint or OP_CONNECT_HOST." : "Connect needs a token: set ConnectToken or OP_CONNECT_TOKEN.", nameof(options));
        }

        _base = new Uri(host.AbsoluteUri.TrimEnd('/') + "/");
        _provider = provider;
        _options = options;
        _http = http;
    }

    public async Task<OnePasswordItem> GetItemAsync(OnePasswordPath path, CancellationToken cancellationToken)
    {
        var name = path.ToString();
        var vaultId = IsId(path.Vault) ? path.Vault : await FindIdAsync("v1/vaults?filter=" + Uri.EscapeDataString($"name eq \"{path.Vault}\""), "vault", path.Vault, name, cancellationToken).ConfigureAwait(false);
        var itemId = IsId(path.Item) ? path.Item : await FindIdAsync($"v1/vaults/{vaultId}/items?filter=" + Uri.EscapeDataString($"title eq \"{path.Item}\""), "item", path.Item, name, cancellationToken).ConfigureAwait(false);
        using var response = await GetAsync("GetItem", $"v1/vaults/{vaultId}/items/{itemId}", name, cancellationToken).ConfigureAwait(false);
        return OnePasswordItem.Parse(response.Body, _provider, name);
    }

    public async Task<SecretValue> ReadFileAsync(OnePasswordPath path, OnePasswordItem item, OnePasswordFile file, CancellationToken cancellationToken)
    {
        var contentPath = (file.ContentPath ?? $"/v1/vaults/{item.VaultId}/items/{item.Id}/files/{file.Id}/content").TrimStart('/');
        using var response = await GetAsync("GetFileContent", contentPath, path.ToString(), cancellationToken).ConfigureAwait(false);
        return SecretValue.FromBytes(response.Body);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("^[a-z0-9]{26}$")]
    private static partial Regex IdPattern();

    private static bool IsId(string text) => IdPattern().IsMatch(text);

    /// <summary>The token, read again for every request so that a rolled token is picked up.</summary>
    private static string? Token(OnePasswordSecretProviderOptions options) =>
        options.ConnectToken ?? (Environment.GetEnvironmentVariable("OP_CONNECT_TOKEN") is { Length: > 0 } token ? token : null);

    private async Task<string> FindIdAsync(string uri, string kind, string title, string name, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(kind == "vault" ? "ListVaults" : "ListItems", uri, name, cancellationToken).ConfigureAwait(false);
        List<string> matches;
        try
        {
            using var document = JsonDocument.Parse(response.Body.ToArray());
            matches = [.. document.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString() ?? string.Empty)];
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new SecretFormatException(_provider, name, $"The Connect server's {kind} list is not the documented JSON array.", ex) { ErrorCode = "MalformedResponse" };
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new SecretNotFoundException(_provider, name, $"The Connect server has no {kind} titled '{title}' that this token can see.") { ErrorCode = "NotFound" },
            _ => throw new InvalidSecretReferenceException($"op://{name}", $"{matches.Count} {kind}s are titled '{title}'; use the {kind}'s ID.", _provider),
        };
    }

    private async Task<SecretHttpResponse> GetAsync(string operation, string uri, string name, CancellationToken cancellationToken)
    {
        var started = _http.TimeProvider.GetTimestamp();
        SecretHttpResponse? response = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, uri));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(_options)
                ?? throw new SecretAccessDeniedException(_provider, name, "No Connect token: set ConnectToken or OP_CONNECT_TOKEN.") { ErrorCode = "NoToken" });
            response = await _http.SendAsync(request, operation, name, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                throw MapError(response, ErrorMessage(response.Body), name);
            }

            _http.Record(operation, started, error: null);
            return response;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            _http.Record(operation, started, ex);
            throw;
        }
    }

    private SecretStoreException MapError(SecretHttpResponse response, string? message, string name)
    {
        var detail = $"Connect answered {(int)response.Status}" + (message is null ? "." : $": {message}.");
        var code = ((int)response.Status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return response.Status switch
        {
            HttpStatusCode.BadRequest => new InvalidSecretReferenceException($"op://{name}", detail, _provider),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => SecretHttpErrors.FromStatus(_provider, name, response.Status, code, detail + " Check the Connect token and its vault access.", response.RetryAfter),
            _ => SecretHttpErrors.FromStatus(_provider, name, response.Status, code, detail, response.RetryAfter),
        };
    }

    /// <summary>Reads <c>{"status":401,"message":"..."}</c>; error bodies hold no secrets.</summary>
    private static string? ErrorMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("message"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
        }

        return null;
    }
}

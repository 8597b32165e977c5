using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Secrets.Client.Local;

namespace Secrets.Client.OnePassword;

/// <summary>
/// Reads items from a 1Password Connect server: <c>GET /v1/vaults?filter=name eq "..."</c> and
/// <c>GET /v1/vaults/{id}/items?filter=title eq "..."</c> to turn names into ids (as the official SDKs do; a 26-character
/// id is used as it is), then <c>GET /v1/vaults/{vault}/items/{item}</c> and <c>.../files/{file}/content</c>. Bodies are
/// read into wiped buffers; redirects are not followed, so the token never goes elsewhere.
/// </summary>
internal sealed partial class ConnectTransport : IOnePasswordTransport
{
    private const int MaxBodyBytes = 16 * 1024 * 1024;
    private readonly HttpClient _http;
    private readonly string _provider;
    private readonly string _token;

    public ConnectTransport(OnePasswordSecretProviderOptions options, string provider)
    {
        var host = options.ConnectHost ?? (Environment.GetEnvironmentVariable("OP_CONNECT_HOST") is { Length: > 0 } text ? new Uri(text) : null)
            ?? throw new ArgumentException("Connect needs a host: set ConnectHost or OP_CONNECT_HOST.", nameof(options));
        _token = options.ConnectToken ?? Environment.GetEnvironmentVariable("OP_CONNECT_TOKEN")
            ?? throw new ArgumentException("Connect needs a token: set ConnectToken or OP_CONNECT_TOKEN.", nameof(options));
        _provider = provider;
        var handler = options.HttpMessageHandler ?? new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _http = new HttpClient(handler, disposeHandler: options.HttpMessageHandler is null)
        {
            BaseAddress = new Uri(host.AbsoluteUri.TrimEnd('/') + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<OnePasswordItem> GetItemAsync(OnePasswordPath path, CancellationToken cancellationToken)
    {
        var name = path.ToString();
        var vaultId = IsId(path.Vault) ? path.Vault : await FindIdAsync("v1/vaults?filter=" + Uri.EscapeDataString($"name eq \"{path.Vault}\""), "vault", path.Vault, name, cancellationToken).ConfigureAwait(false);
        var itemId = IsId(path.Item) ? path.Item : await FindIdAsync($"v1/vaults/{vaultId}/items?filter=" + Uri.EscapeDataString($"title eq \"{path.Item}\""), "item", path.Item, name, cancellationToken).ConfigureAwait(false);
        using var body = await GetAsync($"v1/vaults/{vaultId}/items/{itemId}", name, cancellationToken).ConfigureAwait(false);
        return OnePasswordItem.Parse(body.WrittenSpan, _provider, name);
    }

    public async Task<SecretValue> ReadFileAsync(OnePasswordPath path, OnePasswordItem item, OnePasswordFile file, CancellationToken cancellationToken)
    {
        var contentPath = (file.ContentPath ?? $"/v1/vaults/{item.VaultId}/items/{item.Id}/files/{file.Id}/content").TrimStart('/');
        using var body = await GetAsync(contentPath, path.ToString(), cancellationToken).ConfigureAwait(false);
        return SecretValue.FromBytes(body.WrittenSpan);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("^[a-z0-9]{26}$")]
    private static partial Regex IdPattern();

    private static bool IsId(string text) => IdPattern().IsMatch(text);

    private async Task<string> FindIdAsync(string uri, string kind, string title, string name, CancellationToken cancellationToken)
    {
        using var body = await GetAsync(uri, name, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(body.WrittenSpan.ToArray());
        var matches = document.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new SecretNotFoundException(_provider, name, $"The Connect server has no {kind} titled '{title}' that this token can see.") { ErrorCode = "NotFound" },
            _ => throw new InvalidSecretReferenceException($"op://{name}", $"{matches.Count} {kind}s are titled '{title}'; use the {kind}'s ID.", _provider),
        };
    }

    private async Task<SecretOutputBuffer> GetAsync(string uri, string name, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SecretUnavailableException(_provider, name, "The Connect server could not be reached.", ex);
        }

        using (response)
        {
            var body = new SecretOutputBuffer();
            try
            {
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await body.ReadFromAsync(stream, MaxBodyBytes, cancellationToken).ConfigureAwait(false);
                }

                if (response.IsSuccessStatusCode)
                {
                    return body;
                }

                throw MapError(response, ErrorMessage(body.WrittenSpan), name);
            }
            catch
            {
                body.Dispose();
                throw;
            }
        }
    }

    private SecretStoreException MapError(HttpResponseMessage response, string? message, string name)
    {
        var detail = $"Connect answered {(int)response.StatusCode}" + (message is null ? "." : $": {message}.");
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new SecretAccessDeniedException(_provider, name, detail + " Check the Connect token and its vault access.") { ErrorCode = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) },
            HttpStatusCode.NotFound => new SecretNotFoundException(_provider, name, detail) { ErrorCode = "404" },
            HttpStatusCode.BadRequest => new InvalidSecretReferenceException($"op://{name}", detail, _provider),
            _ => new SecretUnavailableException(_provider, name, detail)
            {
                IsThrottled = response.StatusCode == HttpStatusCode.TooManyRequests,
                RetryAfter = response.Headers.RetryAfter?.Delta,
            },
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
        catch (JsonException)
        {
        }

        return null;
    }
}

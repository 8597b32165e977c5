using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Secrets.Client.Transport;

namespace Secrets.Client.Vault;

/// <summary>
/// Sends Vault's HTTP API requests with the current token (logging in again once when Vault refuses it) and the
/// Enterprise namespace, if any.
/// </summary>
internal sealed class VaultApiClient(string provider, Uri endpoint, string? vaultNamespace, VaultTokenSource tokens, SecretHttpTransport transport, ILogger logger)
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    public async Task<SecretHttpResponse> SendAsync(HttpMethod method, string path, ReadOnlyMemory<byte> body, VaultLocation location, CancellationToken cancellationToken, bool reloginOnForbidden = true)
    {
        for (var attempt = 0; ; attempt++)
        {
            var token = await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(method, new Uri(endpoint, "v1/" + path));
            request.Headers.TryAddWithoutValidation("X-Vault-Token", token.Value);
            if (!string.IsNullOrEmpty(vaultNamespace))
            {
                request.Headers.TryAddWithoutValidation("X-Vault-Namespace", vaultNamespace);
            }

            if (!body.IsEmpty)
            {
                request.Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = JsonContentType } };
            }

            var response = await transport.SendAsync(request, method.Method, location.DisplayName, cancellationToken).ConfigureAwait(false);
            if (response.Status == HttpStatusCode.Forbidden && attempt == 0 && reloginOnForbidden && tokens.Invalidate(token))
            {
                // The token may have been revoked or expired early: one fresh login, then the answer stands.
                VaultLog.Relogin(logger, location.DisplayName);
                response.Dispose();
                continue;
            }

            return response;
        }
    }

    /// <summary>Lists one folder's keys (<c>LIST mount/metadata/folder</c>); an empty or missing folder has none.</summary>
    public async Task<List<string>> ListFolderAsync(string mount, string folder, VaultLocation listing, CancellationToken cancellationToken)
    {
        var path = VaultLocation.Escape(mount) + "/metadata/" + (folder.Length == 0 ? string.Empty : VaultLocation.Escape(folder.TrimEnd('/')) + "/") + "?list=true";
        using var response = await SendAsync(HttpMethod.Get, path, body: default, listing, cancellationToken).ConfigureAwait(false);
        if (((int)response.Status) == 404)
        {
            // Vault answers 404 for an empty or missing folder.
            return [];
        }

        if (((int)response.Status) != 200)
        {
            throw VaultErrorMapper.Map(provider, listing.DisplayName, response);
        }

        return VaultResponseReader.ReadKeys(response.Body);
    }
}

using System.Collections.Concurrent;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Secrets.Client.Transport;

namespace Secrets.Client.Azure;

/// <summary>
/// The Azure SDK's <see cref="SecretClient"/> for each vault, sharing one credential and one set of client options: the
/// shared HTTP transport hook, no SDK retries under the store's own, and content logging refused.
/// </summary>
internal sealed class KeyVaultApiClient : IDisposable
{
    private readonly ConcurrentDictionary<Uri, SecretClient> _clients = new();
    private readonly KeyVaultCredentials _credentials;
    private readonly SecretClientOptions _clientOptions;
    private readonly HttpClient? _http;
    private readonly SocketsHttpHandler? _ownedHandler;

    public KeyVaultApiClient(AzureKeyVaultSecretProviderOptions options, KeyVaultCredentials credentials, Uri? environmentVault)
    {
        _credentials = credentials;
        _ownedHandler = options.HttpHandler is null ? KeyVaultEmulatorEnvironment.PinnedHandler(environmentVault) : null;
        _http = (options.HttpHandler ?? _ownedHandler) is { } handler ? SecretHttpTransport.CreateClient(handler) : null;
        _clientOptions = CreateClientOptions(options, _http, environmentVault);
    }

    /// <summary>Gets the client of one vault.</summary>
    public SecretClient For(Uri vaultUri) =>
        _clients.GetOrAdd(vaultUri, static (uri, self) => new SecretClient(uri, self._credentials.Credential, self._clientOptions), this);

    public void Dispose()
    {
        _http?.Dispose();
        _ownedHandler?.Dispose();
    }

    private static SecretClientOptions CreateClientOptions(AzureKeyVaultSecretProviderOptions options, HttpClient? http, Uri? environmentVault)
    {
        var clientOptions = new SecretClientOptions();
        if (http is not null)
        {
            // The one transport hook every adapter shares; a Transport set in ConfigureClientOptions still wins.
            clientOptions.Transport = new HttpClientTransport(http);
        }

        if (environmentVault is { IsLoopback: true })
        {
            // A loopback emulator cannot be a subdomain of vault.azure.net, which the SDK checks the challenge against.
            clientOptions.DisableChallengeResourceVerification = true;
        }

        // The store's pipeline retries; the SDK's own retries would multiply its attempts.
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = options.Resilience.AttemptTimeout;
        options.ConfigureClientOptions?.Invoke(clientOptions);
        if (clientOptions.Diagnostics.IsLoggingContentEnabled)
        {
            throw new ArgumentException("SecretClientOptions.Diagnostics.IsLoggingContentEnabled would write secret values to logs; it cannot be turned on.", nameof(options));
        }

        if (clientOptions.Retry.MaxRetries > 0 && options.Resilience.MaxRetryAttempts > 0)
        {
            throw new ArgumentException(
                $"Two retry policies would multiply attempts: SecretClientOptions.Retry.MaxRetries is {clientOptions.Retry.MaxRetries} and Resilience.MaxRetryAttempts is {options.Resilience.MaxRetryAttempts}. Set one of them to 0.",
                nameof(options));
        }

        return clientOptions;
    }
}

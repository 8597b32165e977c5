using Google.Apis.Auth.OAuth2;

namespace Secrets.Client.Gcp;

/// <summary>
/// Application Default Credentials, looked up on first use and kept (the credential caches and refreshes its own tokens).
/// A failed lookup is not kept: the next request looks again, so that a metadata server that was briefly unreachable, or
/// credentials installed after start, are picked up.
/// </summary>
internal sealed class ApplicationDefaultTokenSource
{
    private readonly string _scope;
    private Task<GoogleCredential>? _credential;

    public ApplicationDefaultTokenSource(string scope) => _scope = scope;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var credential = await GetCredentialAsync(cancellationToken).ConfigureAwait(false);
        return await ((ITokenAccess)credential).GetAccessTokenForRequestAsync(authUri: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resolves the principal the credential acts as (for example the metadata server's service account e-mail).</summary>
    public async Task<string?> ResolvePrincipalAsync(CancellationToken cancellationToken) =>
        await GoogleCredentialLink.ResolvePrincipalAsync(await GetCredentialAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    private Task<GoogleCredential> GetCredentialAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _credential);
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            // Not tied to one caller's token: the lookup is shared by every request waiting for it.
            var fresh = LoadAsync();
            current = Interlocked.CompareExchange(ref _credential, fresh, current) == current ? fresh : Volatile.Read(ref _credential)!;
        }

        return current.WaitAsync(cancellationToken);
    }

    private async Task<GoogleCredential> LoadAsync()
    {
        var found = await GoogleCredential.GetApplicationDefaultAsync().ConfigureAwait(false);
        return found.IsCreateScopedRequired ? found.CreateScoped(_scope) : found;
    }
}

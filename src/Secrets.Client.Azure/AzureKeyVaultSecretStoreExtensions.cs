namespace Secrets.Client.Azure;

/// <summary>
/// Key Vault operations no other backend has, on <see cref="SecretStore"/>: they go through
/// <see cref="SecretStore.InvokeProviderAsync{TProvider, TResult}"/>, so that they are environment-scoped, audited, retried
/// and error-mapped like every read.
/// </summary>
public static class AzureKeyVaultSecretStoreExtensions
{
    /// <summary>
    /// Loads every usable secret of a Key Vault provider whose name starts with <paramref name="prefix"/>, listing and
    /// fetching at once (values are fetched while the listing pages still arrive), as one audited fetch. The provider's
    /// environment scope is checked before any request.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="provider">The Key Vault provider's name, for example <c>azure-kv</c>.</param>
    /// <param name="prefix"><c>vault/name-prefix</c>, <c>name-prefix</c> for the default vault, or <see langword="null"/> for all of it.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>One result per secret, in completion order; each holds a secret (owned by the caller) or that secret's error.</returns>
    /// <exception cref="InvalidSecretReferenceException">No such provider, or it is not a Key Vault provider.</exception>
    /// <exception cref="SecretEnvironmentScopeException">The provider may not be used in the store's environment.</exception>
    /// <exception cref="SecretStoreException">The listing failed (mapped and audited).</exception>
    public static ValueTask<IReadOnlyList<SecretResult>> LoadSecretsAsync(this SecretStore store, string provider, string? prefix = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        var scope = new SecretReference(provider, string.IsNullOrEmpty(prefix) ? "*" : prefix + "*");
        return store.InvokeProviderAsync<AzureKeyVaultSecretProvider, IReadOnlyList<SecretResult>>(
            scope,
            SecretAccessKind.Fetch,
            (keyVault, _, ct) => CollectAsync(keyVault.LoadSecretsAsync(prefix, ct), ct),
            cancellationToken);
    }

    private static async ValueTask<IReadOnlyList<SecretResult>> CollectAsync(IAsyncEnumerable<SecretResult> results, CancellationToken cancellationToken)
    {
        var collected = new List<SecretResult>();
        try
        {
            await foreach (var result in results.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                collected.Add(result);
            }

            return collected;
        }
        catch
        {
            // An attempt that fails half way (the store may retry it) leaves no secret undisposed.
            collected.ForEach(result => result.Secret?.Dispose());
            throw;
        }
    }
}

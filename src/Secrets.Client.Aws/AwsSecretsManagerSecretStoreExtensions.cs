namespace Secrets.Client.Aws;

/// <summary>
/// Secrets Manager operations no other backend has, on <see cref="SecretStore"/>: they go through
/// <see cref="SecretStore.InvokeProviderAsync{TProvider, TResult}"/>, so that they are environment-scoped, audited, retried
/// and error-mapped like every read.
/// </summary>
public static class AwsSecretsManagerSecretStoreExtensions
{
    /// <summary>Lists a secret's versions with <c>ListSecretVersionIds</c>: which versions carry which staging labels.</summary>
    /// <param name="store">The store.</param>
    /// <param name="reference">The secret (<c>aws-sm://name</c>); its version, stage and field are ignored.</param>
    /// <param name="includeDeprecated">Include versions that carry no staging label.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>Each version's id, staging labels and creation time.</returns>
    /// <exception cref="InvalidSecretReferenceException">The reference's provider is not a Secrets Manager provider.</exception>
    /// <exception cref="SecretEnvironmentScopeException">The provider or the reference may not be used in the store's environment.</exception>
    /// <exception cref="SecretStoreException">The backend refused or failed (mapped and audited).</exception>
    public static ValueTask<IReadOnlyList<SecretProperties>> ListSecretVersionsAsync(this SecretStore store, SecretReference reference, bool includeDeprecated = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(reference);
        return store.InvokeProviderAsync<AwsSecretsManagerSecretProvider, IReadOnlyList<SecretProperties>>(
            reference,
            SecretAccessKind.Metadata,
            (aws, key, ct) => CollectAsync(aws.ListSecretVersionsAsync(key, includeDeprecated, ct), ct),
            cancellationToken);
    }

    /// <summary>Lists the secrets of a Secrets Manager provider that match every filter, with <c>ListSecrets</c>, following its paging.</summary>
    /// <param name="store">The store.</param>
    /// <param name="provider">The provider's name, for example <c>aws-sm</c>.</param>
    /// <param name="filters">The filters (AND-ed); none lists all.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>Each secret's metadata with its <c>AWSCURRENT</c> version id; secrets scheduled for deletion are left out.</returns>
    /// <exception cref="InvalidSecretReferenceException">No such provider, or it is not a Secrets Manager provider.</exception>
    /// <exception cref="SecretEnvironmentScopeException">The provider may not be used in the store's environment.</exception>
    /// <exception cref="SecretStoreException">The backend refused or failed (mapped and audited).</exception>
    public static ValueTask<IReadOnlyList<SecretProperties>> ListSecretsByFilterAsync(this SecretStore store, string provider, IEnumerable<AwsSecretFilter> filters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        AwsSecretFilter[] list = [.. filters ?? throw new ArgumentNullException(nameof(filters))];
        var scope = new SecretReference(provider, "*");
        return store.InvokeProviderAsync<AwsSecretsManagerSecretProvider, IReadOnlyList<SecretProperties>>(
            scope,
            SecretAccessKind.List,
            (aws, _, ct) => CollectAsync(aws.ListSecretsByFilterAsync(list, ct), ct),
            cancellationToken);
    }

    private static async ValueTask<IReadOnlyList<SecretProperties>> CollectAsync(IAsyncEnumerable<SecretProperties> items, CancellationToken cancellationToken)
    {
        var collected = new List<SecretProperties>();
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            collected.Add(item);
        }

        return collected;
    }
}

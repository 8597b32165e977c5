namespace Secrets.Client;

/// <summary>Conveniences over <see cref="ISecretStore"/>.</summary>
public static class SecretStoreExtensions
{
    /// <summary>Gets a secret by reference text, such as <c>aws-sm://prod/db#password</c>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="reference">The reference text.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The secret, owned by the store.</returns>
    /// <exception cref="InvalidSecretReferenceException">The reference text is malformed.</exception>
    public static ValueTask<Secret> GetSecretAsync(this ISecretStore store, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.GetSecretAsync(SecretReference.Parse(reference), cancellationToken);
    }
}

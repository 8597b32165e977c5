namespace Secrets.Client;

/// <summary>The outcome of fetching one secret in a batch: the secret, or the error for that secret alone.</summary>
public sealed class SecretResult
{
    private SecretResult(SecretReference reference, Secret? secret, SecretStoreException? error)
    {
        Reference = reference;
        Secret = secret;
        Error = error;
    }

    /// <summary>Gets the reference that was fetched.</summary>
    public SecretReference Reference { get; }

    /// <summary>Gets the secret, when the fetch succeeded.</summary>
    public Secret? Secret { get; }

    /// <summary>Gets the error, when the fetch failed.</summary>
    public SecretStoreException? Error { get; }

    /// <summary>Gets a value indicating whether the fetch succeeded.</summary>
    public bool IsSuccess => Secret is not null;

    /// <summary>Creates a successful result.</summary>
    /// <param name="reference">The reference.</param>
    /// <param name="secret">The secret.</param>
    /// <returns>The result.</returns>
    public static SecretResult Success(SecretReference reference, Secret secret)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(secret);
        return new(reference, secret, null);
    }

    /// <summary>Creates a failed result.</summary>
    /// <param name="reference">The reference.</param>
    /// <param name="error">The error.</param>
    /// <returns>The result.</returns>
    public static SecretResult Failure(SecretReference reference, SecretStoreException error)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(error);
        return new(reference, null, error);
    }

    /// <inheritdoc/>
    public override string ToString() => IsSuccess ? $"{Reference}: ok" : $"{Reference}: {Error!.GetType().Name}";
}

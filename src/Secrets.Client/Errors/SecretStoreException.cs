namespace Secrets.Client;

/// <summary>
/// The base of every error the SDK raises about a secret. Messages name the secret and the provider, never the value.
/// </summary>
public class SecretStoreException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SecretStoreException"/> class.</summary>
    public SecretStoreException()
        : this("A secret operation failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretStoreException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    public SecretStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretStoreException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretStoreException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    /// <param name="provider">The provider involved.</param>
    /// <param name="secretName">The secret involved.</param>
    /// <param name="innerException">The cause.</param>
    public SecretStoreException(string message, string? provider, string? secretName, Exception? innerException = null)
        : base(message, innerException)
    {
        Provider = provider;
        SecretName = secretName;
    }

    /// <summary>Gets the name of the provider involved, when known.</summary>
    public string? Provider { get; }

    /// <summary>Gets the name of the secret involved, when known.</summary>
    public string? SecretName { get; }

    /// <summary>Gets the provider's own error code (for example <c>ResourceNotFoundException</c>), when it gave one.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Gets a value indicating whether retrying the same call later may succeed.</summary>
    public virtual bool IsTransient => false;

    internal static string Describe(string? provider, string? secretName) =>
        (provider, secretName) switch
        {
            (null, null) => "a secret",
            (null, _) => $"secret '{secretName}'",
            (_, null) => $"a secret in provider '{provider}'",
            _ => $"secret '{secretName}' in provider '{provider}'",
        };
}

namespace Secrets.Client;

/// <summary>A secret reference could not be parsed, or names a provider or option that does not exist.</summary>
public class InvalidSecretReferenceException : SecretStoreException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidSecretReferenceException"/> class.</summary>
    public InvalidSecretReferenceException()
        : base("The secret reference is not valid.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidSecretReferenceException"/> class.</summary>
    /// <param name="message">The message.</param>
    public InvalidSecretReferenceException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidSecretReferenceException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidSecretReferenceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidSecretReferenceException"/> class.</summary>
    /// <param name="reference">The reference text (a reference names a secret; it never holds one).</param>
    /// <param name="reason">What is wrong with it.</param>
    /// <param name="provider">The provider named by the reference, when it got that far.</param>
    public InvalidSecretReferenceException(string reference, string reason, string? provider)
        : base($"Secret reference '{reference}' is not valid: {reason}", provider, secretName: null)
    {
        Reference = reference;
    }

    /// <summary>Gets the reference text that was refused.</summary>
    public string? Reference { get; }
}

namespace Secrets.Client;

/// <summary>The secret arrived corrupted or could not be decrypted (checksum mismatch, KMS decryption failure).</summary>
public class SecretIntegrityException : SecretStoreException
{
    /// <summary>Initializes a new instance of the <see cref="SecretIntegrityException"/> class.</summary>
    public SecretIntegrityException()
        : base("A secret failed an integrity check.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretIntegrityException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    public SecretIntegrityException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretIntegrityException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretIntegrityException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretIntegrityException"/> class with a message naming the secret.</summary>
    /// <param name="provider">The provider involved.</param>
    /// <param name="secretName">The secret involved.</param>
    /// <param name="detail">Extra detail from the provider, such as its error message; never a value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretIntegrityException(string? provider, string? secretName, string? detail = null, Exception? innerException = null)
        : base(Compose($"The value of {Describe(provider, secretName)} failed an integrity check.", detail), provider, secretName, innerException)
    {
    }

    private static string Compose(string message, string? detail) =>
        string.IsNullOrWhiteSpace(detail) ? message : message + " " + detail;
}

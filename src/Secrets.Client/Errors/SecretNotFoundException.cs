namespace Secrets.Client;

/// <summary>The secret, or the version asked for, does not exist (or is disabled or scheduled for deletion).</summary>
public class SecretNotFoundException : SecretStoreException
{
    /// <summary>Initializes a new instance of the <see cref="SecretNotFoundException"/> class.</summary>
    public SecretNotFoundException()
        : base("The secret was not found.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretNotFoundException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    public SecretNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretNotFoundException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretNotFoundException"/> class with a message naming the secret.</summary>
    /// <param name="provider">The provider involved.</param>
    /// <param name="secretName">The secret involved.</param>
    /// <param name="detail">Extra detail from the provider, such as its error message; never a value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretNotFoundException(string? provider, string? secretName, string? detail = null, Exception? innerException = null)
        : base(Compose($"{Char.ToUpperInvariant(Describe(provider, secretName)[0])}{Describe(provider, secretName)[1..]} was not found.", detail), provider, secretName, innerException)
    {
    }

    private static string Compose(string message, string? detail) =>
        string.IsNullOrWhiteSpace(detail) ? message : message + " " + detail;
}

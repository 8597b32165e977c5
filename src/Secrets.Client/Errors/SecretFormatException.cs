namespace Secrets.Client;

/// <summary>The secret's value is not in the shape asked for (not UTF-8, not a JSON object, no such field).</summary>
public class SecretFormatException : SecretStoreException
{
    /// <summary>Initializes a new instance of the <see cref="SecretFormatException"/> class.</summary>
    public SecretFormatException()
        : base("A secret is not in the expected format.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretFormatException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    public SecretFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretFormatException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretFormatException"/> class with a message naming the secret.</summary>
    /// <param name="provider">The provider involved.</param>
    /// <param name="secretName">The secret involved.</param>
    /// <param name="detail">Extra detail from the provider, such as its error message; never a value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretFormatException(string? provider, string? secretName, string? detail = null, Exception? innerException = null)
        : base(Compose($"The value of {Describe(provider, secretName)} is not in the expected format.", detail), provider, secretName, innerException)
    {
    }

    private static string Compose(string message, string? detail) =>
        string.IsNullOrWhiteSpace(detail) ? message : message + " " + detail;
}

namespace Secrets.Client;

/// <summary>The caller's identity may not read the secret, or policy (such as environment scoping) forbids it.</summary>
public class SecretAccessDeniedException : SecretStoreException
{
    /// <summary>Initializes a new instance of the <see cref="SecretAccessDeniedException"/> class.</summary>
    public SecretAccessDeniedException()
        : base("Access to the secret was denied.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretAccessDeniedException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    public SecretAccessDeniedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretAccessDeniedException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretAccessDeniedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretAccessDeniedException"/> class with a message naming the secret.</summary>
    /// <param name="provider">The provider involved.</param>
    /// <param name="secretName">The secret involved.</param>
    /// <param name="detail">Extra detail from the provider, such as its error message; never a value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretAccessDeniedException(string? provider, string? secretName, string? detail = null, Exception? innerException = null)
        : base(Compose($"Access to {Describe(provider, secretName)} was denied.", detail), provider, secretName, innerException)
    {
    }

    private static string Compose(string message, string? detail) =>
        string.IsNullOrWhiteSpace(detail) ? message : message + " " + detail;
}

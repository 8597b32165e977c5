namespace Secrets.Client;

/// <summary>The provider is throttling, failing or out of reach; the same call may succeed later.</summary>
public class SecretUnavailableException : SecretStoreException
{
    /// <summary>Initializes a new instance of the <see cref="SecretUnavailableException"/> class.</summary>
    public SecretUnavailableException()
        : base("The secret provider is temporarily unavailable.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretUnavailableException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    public SecretUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretUnavailableException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretUnavailableException"/> class with a message naming the secret.</summary>
    /// <param name="provider">The provider involved.</param>
    /// <param name="secretName">The secret involved.</param>
    /// <param name="detail">Extra detail from the provider, such as its error message; never a value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretUnavailableException(string? provider, string? secretName, string? detail = null, Exception? innerException = null)
        : base(Compose($"{Char.ToUpperInvariant(Describe(provider, secretName)[0])}{Describe(provider, secretName)[1..]} is temporarily unavailable.", detail), provider, secretName, innerException)
    {
    }

    /// <summary>Gets a value indicating whether the provider said it is throttling this caller.</summary>
    public bool IsThrottled { get; init; }

    /// <summary>Gets how long the provider asked callers to wait, when it said (<c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <inheritdoc/>
    public override bool IsTransient => true;

    private static string Compose(string message, string? detail) =>
        string.IsNullOrWhiteSpace(detail) ? message : message + " " + detail;
}

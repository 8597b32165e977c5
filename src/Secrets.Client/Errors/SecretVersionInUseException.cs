namespace Secrets.Client;

/// <summary>
/// The backend cannot stop serving a secret version because it is the one it serves now (AWS <c>AWSCURRENT</c>): rotate
/// first, then disable the version that was current.
/// </summary>
public class SecretVersionInUseException : SecretStoreException
{
    /// <summary>Initializes a new instance of the <see cref="SecretVersionInUseException"/> class.</summary>
    public SecretVersionInUseException()
        : base("The secret version is in use.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretVersionInUseException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    public SecretVersionInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretVersionInUseException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretVersionInUseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretVersionInUseException"/> class with a message naming the secret and version.</summary>
    /// <param name="provider">The provider involved.</param>
    /// <param name="secretName">The secret involved.</param>
    /// <param name="version">The version that is in use.</param>
    /// <param name="detail">Why it is in use (for example the staging label it holds); never a value.</param>
    public SecretVersionInUseException(string? provider, string? secretName, string version, string? detail = null)
        : base($"Version {version} of {Describe(provider, secretName)} is in use and cannot be disabled{(string.IsNullOrWhiteSpace(detail) ? "." : ": " + detail)}", provider, secretName)
    {
        Version = version;
    }

    /// <summary>Gets the version that is in use, when known.</summary>
    public string? Version { get; }
}

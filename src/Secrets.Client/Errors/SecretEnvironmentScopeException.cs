namespace Secrets.Client;

/// <summary>
/// The secret or its provider is limited to environments that do not include the current one. Raised before any
/// network call is made.
/// </summary>
public class SecretEnvironmentScopeException : SecretAccessDeniedException
{
    /// <summary>Initializes a new instance of the <see cref="SecretEnvironmentScopeException"/> class.</summary>
    public SecretEnvironmentScopeException()
        : base("Reading the secret is not allowed in this environment.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretEnvironmentScopeException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    public SecretEnvironmentScopeException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretEnvironmentScopeException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret value.</param>
    /// <param name="innerException">The cause.</param>
    public SecretEnvironmentScopeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretEnvironmentScopeException"/> class.</summary>
    /// <param name="provider">The provider involved.</param>
    /// <param name="secretName">The secret involved.</param>
    /// <param name="environment">The current environment.</param>
    /// <param name="allowedEnvironments">The environments the secret or provider is limited to.</param>
    public SecretEnvironmentScopeException(string? provider, string? secretName, string environment, IEnumerable<string> allowedEnvironments)
        : base(provider, secretName, $"It is limited to environment(s) {string.Join(", ", allowedEnvironments ?? [])} and this process runs in '{environment}'. No request was sent.")
    {
        Environment = environment;
    }

    /// <summary>Gets the environment the process runs in.</summary>
    public string? Environment { get; }
}

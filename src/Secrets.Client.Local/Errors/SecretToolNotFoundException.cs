namespace Secrets.Client.Local;

/// <summary>
/// A command-line tool a local secret source runs (<c>op</c>, <c>doppler</c>, <c>direnv</c>) is not installed or cannot
/// be started. Not transient: install the tool, or point the provider's options at it.
/// </summary>
public class SecretToolNotFoundException : SecretStoreException
{
    /// <summary>Initializes a new instance of the <see cref="SecretToolNotFoundException"/> class.</summary>
    public SecretToolNotFoundException()
        : base("A command-line tool a secret provider needs is not installed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretToolNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    public SecretToolNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretToolNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SecretToolNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretToolNotFoundException"/> class naming the tool.</summary>
    /// <param name="tool">What the tool is (for example <c>1Password CLI</c>).</param>
    /// <param name="fileName">The executable that was looked for.</param>
    /// <param name="provider">The provider that needed it.</param>
    /// <param name="innerException">The cause.</param>
    public SecretToolNotFoundException(string tool, string fileName, string? provider, Exception? innerException = null)
        : base($"Provider '{provider}' needs the {tool}, but '{fileName}' could not be started: install it (see docs/local-development.md) and make sure it is on PATH, or set the provider's executable path option.", provider, secretName: null, innerException)
    {
        Tool = tool;
        FileName = fileName;
    }

    /// <summary>Gets what the tool is, for example <c>1Password CLI</c>.</summary>
    public string? Tool { get; }

    /// <summary>Gets the executable that was looked for.</summary>
    public string? FileName { get; }
}

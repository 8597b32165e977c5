namespace Secrets.Client.Azure.Events;

/// <summary>An Event Grid delivery that is not valid Event Grid or CloudEvents JSON, or a Key Vault event missing a field it needs.</summary>
/// <remarks>The message names what was wrong (the schema, the field), never the payload.</remarks>
public sealed class KeyVaultEventFormatException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="KeyVaultEventFormatException"/> class.</summary>
    public KeyVaultEventFormatException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="KeyVaultEventFormatException"/> class.</summary>
    /// <param name="message">What was wrong.</param>
    public KeyVaultEventFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="KeyVaultEventFormatException"/> class.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The parser's error.</param>
    public KeyVaultEventFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Secrets.Client.Pkcs11;

/// <summary>No slot of the PKCS#11 module holds a token with the configured label or serial number.</summary>
public class Pkcs11TokenNotFoundException : SecretNotFoundException
{
    /// <summary>Initializes a new instance of the <see cref="Pkcs11TokenNotFoundException"/> class.</summary>
    public Pkcs11TokenNotFoundException()
        : base("The PKCS#11 token was not found.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11TokenNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    public Pkcs11TokenNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11TokenNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public Pkcs11TokenNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11TokenNotFoundException"/> class.</summary>
    /// <param name="modulePath">The PKCS#11 module that was searched.</param>
    /// <param name="tokenLabel">The token label asked for, if any.</param>
    /// <param name="tokenSerial">The token serial number asked for, if any.</param>
    /// <param name="tokensSeen">The labels of the tokens the module does have.</param>
    public Pkcs11TokenNotFoundException(string modulePath, string? tokenLabel, string? tokenSerial, IEnumerable<string> tokensSeen)
        : base($"No token {Pkcs11Text.DescribeToken(tokenLabel, tokenSerial)} is present in PKCS#11 module '{modulePath}'. Tokens present: {Pkcs11Text.List(tokensSeen)}.")
    {
        ModulePath = modulePath;
        TokenLabel = tokenLabel;
        TokenSerial = tokenSerial;
    }

    /// <summary>Gets the PKCS#11 module that was searched.</summary>
    public string? ModulePath { get; }

    /// <summary>Gets the token label asked for.</summary>
    public string? TokenLabel { get; }

    /// <summary>Gets the token serial number asked for.</summary>
    public string? TokenSerial { get; }
}

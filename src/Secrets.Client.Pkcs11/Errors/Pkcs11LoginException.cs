namespace Secrets.Client.Pkcs11;

/// <summary>
/// The token refused the user PIN (wrong, locked, expired or of the wrong length). Retrying with the same PIN will
/// not help and may lock the token.
/// </summary>
public class Pkcs11LoginException : SecretAccessDeniedException
{
    /// <summary>Initializes a new instance of the <see cref="Pkcs11LoginException"/> class.</summary>
    public Pkcs11LoginException()
        : base("The PKCS#11 token refused the login.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11LoginException"/> class.</summary>
    /// <param name="message">The message; it never contains the PIN.</param>
    public Pkcs11LoginException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11LoginException"/> class.</summary>
    /// <param name="message">The message; it never contains the PIN.</param>
    /// <param name="innerException">The cause.</param>
    public Pkcs11LoginException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11LoginException"/> class.</summary>
    /// <param name="tokenLabel">The token that refused the login.</param>
    /// <param name="pinReference">Where the PIN was read from (a reference, never the PIN).</param>
    /// <param name="returnValue">The PKCS#11 return value, such as <c>CKR_PIN_INCORRECT</c>.</param>
    /// <param name="innerException">The cause.</param>
    public Pkcs11LoginException(string tokenLabel, SecretReference? pinReference, string returnValue, Exception? innerException)
        : base($"Token '{tokenLabel}' refused the user PIN read from '{pinReference?.ToString() ?? "(none)"}' ({returnValue}). Check the PIN secret; repeated failures can lock the token.", innerException)
    {
        TokenLabel = tokenLabel;
        ErrorCode = returnValue;
    }

    /// <summary>Gets the token that refused the login.</summary>
    public string? TokenLabel { get; }
}

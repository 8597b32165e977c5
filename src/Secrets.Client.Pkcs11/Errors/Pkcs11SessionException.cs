namespace Secrets.Client.Pkcs11;

/// <summary>
/// The PKCS#11 session or module failed (token reset or removed, session closed, device error) and reconnecting did
/// not help, or the signer was disposed. A later call may succeed once the token is back.
/// </summary>
public class Pkcs11SessionException : SecretUnavailableException
{
    /// <summary>Initializes a new instance of the <see cref="Pkcs11SessionException"/> class.</summary>
    public Pkcs11SessionException()
        : base("The PKCS#11 session failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11SessionException"/> class.</summary>
    /// <param name="message">The message.</param>
    public Pkcs11SessionException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11SessionException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public Pkcs11SessionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

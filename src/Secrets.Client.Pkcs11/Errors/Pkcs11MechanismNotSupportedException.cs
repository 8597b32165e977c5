namespace Secrets.Client.Pkcs11;

/// <summary>
/// The signature algorithm asked for is not offered by this package for the key, or the token lacks the PKCS#11
/// mechanism it needs.
/// </summary>
public class Pkcs11MechanismNotSupportedException : SecretStoreException
{
    /// <summary>Initializes a new instance of the <see cref="Pkcs11MechanismNotSupportedException"/> class.</summary>
    public Pkcs11MechanismNotSupportedException()
        : base("The PKCS#11 mechanism is not supported.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11MechanismNotSupportedException"/> class.</summary>
    /// <param name="message">The message.</param>
    public Pkcs11MechanismNotSupportedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11MechanismNotSupportedException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public Pkcs11MechanismNotSupportedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11MechanismNotSupportedException"/> class.</summary>
    /// <param name="mechanism">The mechanism or algorithm that is missing, such as <c>CKM_RSA_PKCS_PSS</c>.</param>
    /// <param name="keyLabel">The key it was wanted for.</param>
    /// <param name="detail">Why it cannot be used.</param>
    /// <param name="innerException">The cause.</param>
    public Pkcs11MechanismNotSupportedException(string mechanism, string? keyLabel, string detail, Exception? innerException = null)
        : base($"Cannot sign with key '{keyLabel ?? "(unknown)"}' using {mechanism}: {detail}", innerException)
    {
        Mechanism = mechanism;
        KeyLabel = keyLabel;
    }

    /// <summary>Gets the mechanism or algorithm that is missing.</summary>
    public string? Mechanism { get; }

    /// <summary>Gets the key it was wanted for.</summary>
    public string? KeyLabel { get; }
}

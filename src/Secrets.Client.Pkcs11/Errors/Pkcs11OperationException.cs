namespace Secrets.Client.Pkcs11;

/// <summary>The token refused an operation for a reason that retrying will not fix (for example a bad argument or a key not allowed to sign).</summary>
public class Pkcs11OperationException : SecretStoreException
{
    /// <summary>Initializes a new instance of the <see cref="Pkcs11OperationException"/> class.</summary>
    public Pkcs11OperationException()
        : base("The PKCS#11 operation failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11OperationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public Pkcs11OperationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Pkcs11OperationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public Pkcs11OperationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

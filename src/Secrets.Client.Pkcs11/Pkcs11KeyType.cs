namespace Secrets.Client.Pkcs11;

/// <summary>The kind of a key held on a PKCS#11 token.</summary>
public enum Pkcs11KeyType
{
    /// <summary>An RSA key (<c>CKK_RSA</c>).</summary>
    Rsa = 1,

    /// <summary>An elliptic-curve key (<c>CKK_EC</c>) used with ECDSA.</summary>
    EC = 2,
}

namespace Secrets.Client.Pkcs11;

/// <summary>One signing call: data to hash-and-sign, or a hash to sign. A <see langword="null"/> algorithm means raw ECDSA over the given hash.</summary>
internal readonly record struct Pkcs11SignRequest(Pkcs11Key Key, Pkcs11SignatureAlgorithm? Algorithm, byte[] Input, bool IsHash)
{
    public string PlannedMechanism => Algorithm?.Name ?? "CKM_ECDSA";
}

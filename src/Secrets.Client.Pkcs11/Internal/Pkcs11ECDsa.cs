using System.Security.Cryptography;

namespace Secrets.Client.Pkcs11;

/// <summary>An <see cref="ECDsa"/> whose signing runs on the token (<c>CKM_ECDSA</c> over a hash computed in-process).</summary>
internal sealed class Pkcs11ECDsa : ECDsa
{
    private readonly Pkcs11Key _key;
    private readonly ECParameters _publicKey;

    public Pkcs11ECDsa(Pkcs11Key key, ECParameters publicKey)
    {
        _key = key;
        _publicKey = publicKey;
        KeySizeValue = key.KeySizeInBits;
        LegalKeySizesValue = [new KeySizes(key.KeySizeInBits, key.KeySizeInBits, 0)];
    }

    public override ECParameters ExportParameters(bool includePrivateParameters)
    {
        if (includePrivateParameters)
        {
            throw new CryptographicException(
                $"The private key '{_key.Label}' is held by PKCS#11 token '{_key.TokenLabel}' and cannot be exported; only its public key can.");
        }

        return new ECParameters
        {
            Curve = _publicKey.Curve,
            Q = new ECPoint { X = (byte[])_publicKey.Q.X!.Clone(), Y = (byte[])_publicKey.Q.Y!.Clone() },
        };
    }

    public override ECParameters ExportExplicitParameters(bool includePrivateParameters)
    {
        var named = ExportParameters(includePrivateParameters);
        using var software = Create(named);
        return software.ExportExplicitParameters(includePrivateParameters: false);
    }

    public override void ImportParameters(ECParameters parameters) =>
        throw new NotSupportedException($"Key '{_key.Label}' lives on a PKCS#11 token; another key cannot be imported into it.");

    public override void GenerateKey(ECCurve curve) =>
        throw new NotSupportedException($"Key '{_key.Label}' lives on a PKCS#11 token; generate keys with the token's tools.");

    /// <summary>Returns r||s (IEEE P1363), which is what PKCS#11's <c>CKM_ECDSA</c> produces.</summary>
    public override byte[] SignHash(byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return _key.Signer.Sign(new Pkcs11SignRequest(_key, Algorithm: null, hash, IsHash: true), "ECDsa.SignHash", CancellationToken.None);
    }

    public override bool VerifyHash(byte[] hash, byte[] signature)
    {
        using var ecdsa = Create(_publicKey);
        return ecdsa.VerifyHash(hash, signature);
    }

    protected override bool VerifyHashCore(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, DSASignatureFormat signatureFormat)
    {
        using var ecdsa = Create(_publicKey);
        return ecdsa.VerifyHash(hash, signature, signatureFormat);
    }

    protected override byte[] HashData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm) =>
        CryptographicOperations.HashData(hashAlgorithm, data.AsSpan(offset, count));

    protected override byte[] HashData(Stream data, HashAlgorithmName hashAlgorithm) =>
        CryptographicOperations.HashData(hashAlgorithm, data);
}

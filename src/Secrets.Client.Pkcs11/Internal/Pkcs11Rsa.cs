using System.Security.Cryptography;

namespace Secrets.Client.Pkcs11;

/// <summary>An <see cref="RSA"/> whose signing runs on the token; verification and public export run in-process.</summary>
internal sealed class Pkcs11Rsa : RSA
{
    private readonly Pkcs11Key _key;
    private readonly RSAParameters _publicKey;

    public Pkcs11Rsa(Pkcs11Key key, RSAParameters publicKey)
    {
        _key = key;
        _publicKey = publicKey;
        KeySizeValue = key.KeySizeInBits;
        LegalKeySizesValue = [new KeySizes(key.KeySizeInBits, key.KeySizeInBits, 0)];
    }

    public override RSAParameters ExportParameters(bool includePrivateParameters)
    {
        if (includePrivateParameters)
        {
            throw new CryptographicException(
                $"The private key '{_key.Label}' is held by PKCS#11 token '{_key.TokenLabel}' and cannot be exported; only its public key can.");
        }

        return new RSAParameters { Modulus = (byte[])_publicKey.Modulus!.Clone(), Exponent = (byte[])_publicKey.Exponent!.Clone() };
    }

    public override void ImportParameters(RSAParameters parameters) =>
        throw new NotSupportedException($"Key '{_key.Label}' lives on a PKCS#11 token; another key cannot be imported into it.");

    public override byte[] SignHash(byte[] hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var algorithm = Pkcs11SignatureAlgorithm.ForRsa(hashAlgorithm, padding);
        Pkcs11Key.CheckHashLength(hash, algorithm);
        return _key.Signer.Sign(new Pkcs11SignRequest(_key, algorithm, hash, IsHash: true), "RSA.SignHash", CancellationToken.None);
    }

    public override bool VerifyHash(byte[] hash, byte[] signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        using var rsa = Create(_publicKey);
        return rsa.VerifyHash(hash, signature, hashAlgorithm, padding);
    }

    public override bool VerifyHash(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        using var rsa = Create(_publicKey);
        return rsa.VerifyHash(hash, signature, hashAlgorithm, padding);
    }

    public override byte[] Encrypt(byte[] data, RSAEncryptionPadding padding)
    {
        using var rsa = Create(_publicKey);
        return rsa.Encrypt(data, padding);
    }

    public override byte[] Decrypt(byte[] data, RSAEncryptionPadding padding) =>
        throw new NotSupportedException($"Key '{_key.Label}' on PKCS#11 token '{_key.TokenLabel}' is used for signing only.");

    protected override byte[] HashData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm) =>
        CryptographicOperations.HashData(hashAlgorithm, data.AsSpan(offset, count));

    protected override byte[] HashData(Stream data, HashAlgorithmName hashAlgorithm) =>
        CryptographicOperations.HashData(hashAlgorithm, data);
}

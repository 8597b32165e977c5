using System.Formats.Asn1;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;

namespace Secrets.Client.Pkcs11;

/// <summary>Maps signature algorithms to PKCS#11 mechanisms and converts inputs and outputs between the two worlds.</summary>
internal static class Pkcs11Mechanisms
{
    // DER DigestInfo prefixes (RFC 8017 section 9.2 note 1): CKM_RSA_PKCS signs DigestInfo, not a bare hash.
    private static readonly byte[] Sha256DigestInfo = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];
    private static readonly byte[] Sha384DigestInfo = [0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30];
    private static readonly byte[] Sha512DigestInfo = [0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40];

    /// <summary>The mechanism that hashes on the token and signs, such as <c>CKM_SHA256_RSA_PKCS</c>.</summary>
    public static CKM Combined(Pkcs11SignatureAlgorithm algorithm) =>
        (algorithm.KeyType, algorithm.Padding?.Mode, algorithm.HashAlgorithm.Name) switch
        {
            (Pkcs11KeyType.Rsa, RSASignaturePaddingMode.Pkcs1, "SHA256") => CKM.CKM_SHA256_RSA_PKCS,
            (Pkcs11KeyType.Rsa, RSASignaturePaddingMode.Pkcs1, "SHA384") => CKM.CKM_SHA384_RSA_PKCS,
            (Pkcs11KeyType.Rsa, RSASignaturePaddingMode.Pkcs1, "SHA512") => CKM.CKM_SHA512_RSA_PKCS,
            (Pkcs11KeyType.Rsa, RSASignaturePaddingMode.Pss, "SHA256") => CKM.CKM_SHA256_RSA_PKCS_PSS,
            (Pkcs11KeyType.Rsa, RSASignaturePaddingMode.Pss, "SHA384") => CKM.CKM_SHA384_RSA_PKCS_PSS,
            (Pkcs11KeyType.Rsa, RSASignaturePaddingMode.Pss, "SHA512") => CKM.CKM_SHA512_RSA_PKCS_PSS,
            (Pkcs11KeyType.EC, _, "SHA256") => CKM.CKM_ECDSA_SHA256,
            (Pkcs11KeyType.EC, _, "SHA384") => CKM.CKM_ECDSA_SHA384,
            _ => CKM.CKM_ECDSA_SHA512,
        };

    /// <summary>The mechanism that signs a hash computed in-process.</summary>
    public static CKM Raw(Pkcs11SignatureAlgorithm algorithm) =>
        algorithm.KeyType == Pkcs11KeyType.EC ? CKM.CKM_ECDSA
        : algorithm.Padding!.Mode == RSASignaturePaddingMode.Pss ? CKM.CKM_RSA_PKCS_PSS
        : CKM.CKM_RSA_PKCS;

    public static CKM HashMechanism(HashAlgorithmName hash) =>
        hash.Name switch
        {
            "SHA256" => CKM.CKM_SHA256,
            "SHA384" => CKM.CKM_SHA384,
            _ => CKM.CKM_SHA512,
        };

    public static CKG Mgf(HashAlgorithmName hash) =>
        hash.Name switch
        {
            "SHA256" => CKG.CKG_MGF1_SHA256,
            "SHA384" => CKG.CKG_MGF1_SHA384,
            _ => CKG.CKG_MGF1_SHA512,
        };

    /// <summary>Prefixes the DER DigestInfo for <c>CKM_RSA_PKCS</c>.</summary>
    public static byte[] DigestInfo(HashAlgorithmName hash, ReadOnlySpan<byte> digest)
    {
        var prefix = hash.Name switch
        {
            "SHA256" => Sha256DigestInfo,
            "SHA384" => Sha384DigestInfo,
            _ => Sha512DigestInfo,
        };
        var result = new byte[prefix.Length + digest.Length];
        prefix.CopyTo(result, 0);
        digest.CopyTo(result.AsSpan(prefix.Length));
        return result;
    }

    /// <summary>Converts PKCS#11's r||s (the same as IEEE P1363) to the DER SEQUENCE of two INTEGERs (RFC 3279) X.509 and CMS use.</summary>
    public static byte[] P1363ToDer(ReadOnlySpan<byte> signature)
    {
        if (signature.Length == 0 || signature.Length % 2 != 0)
        {
            throw new CryptographicException($"An ECDSA signature in r||s form must have an even, non-zero length; got {signature.Length} bytes.");
        }

        var half = signature.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(Minimal(signature[..half]));
            writer.WriteIntegerUnsigned(Minimal(signature[half..]));
        }

        return writer.Encode();
    }

    /// <summary>Converts a DER ECDSA signature to r||s with each half padded to <paramref name="fieldSizeInBytes"/>.</summary>
    public static byte[] DerToP1363(ReadOnlySpan<byte> der, int fieldSizeInBytes)
    {
        try
        {
            var reader = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            var r = sequence.ReadIntegerBytes().Span;
            var s = sequence.ReadIntegerBytes().Span;
            sequence.ThrowIfNotEmpty();
            reader.ThrowIfNotEmpty();
            var result = new byte[2 * fieldSizeInBytes];
            CopyUnsigned(r, result.AsSpan(0, fieldSizeInBytes));
            CopyUnsigned(s, result.AsSpan(fieldSizeInBytes));
            return result;
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("The ECDSA signature is not a DER SEQUENCE of two INTEGERs.", ex);
        }
    }

    // DER wants no redundant leading zero bytes, but zero itself is one byte.
    private static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> integer)
    {
        var trimmed = integer.TrimStart((byte)0);
        return trimmed.IsEmpty ? integer[^1..] : trimmed;
    }

    private static void CopyUnsigned(ReadOnlySpan<byte> integer, Span<byte> destination)
    {
        integer = integer.TrimStart((byte)0);
        if (integer.Length > destination.Length)
        {
            throw new CryptographicException("An ECDSA signature component is larger than the curve's field.");
        }

        integer.CopyTo(destination[(destination.Length - integer.Length)..]);
    }
}

using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;

namespace Secrets.Client.Pkcs11.Tests.Internal;

public sealed class Pkcs11MechanismsTests
{
    [Theory]
    [InlineData(32)]
    [InlineData(48)]
    [InlineData(66)]
    public void P1363_and_DER_convert_both_ways_and_agree_with_dotnet(int fieldSize)
    {
        var curve = fieldSize switch { 32 => ECCurve.NamedCurves.nistP256, 48 => ECCurve.NamedCurves.nistP384, _ => ECCurve.NamedCurves.nistP521 };
        using var key = ECDsa.Create(curve);
        var hash = SHA256.HashData("x"u8);
        for (var i = 0; i < 20; i++)
        {
            var p1363 = key.SignHash(hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

            var der = Pkcs11Mechanisms.P1363ToDer(p1363);

            Assert.True(key.VerifyHash(hash, der, DSASignatureFormat.Rfc3279DerSequence));
            Assert.Equal(p1363, Pkcs11Mechanisms.DerToP1363(der, fieldSize));
        }
    }

    [Fact]
    public void A_component_with_leading_zeros_keeps_its_fixed_width()
    {
        var p1363 = new byte[64];
        p1363[31] = 0x01; // r = 1
        p1363[32] = 0x80; // s has its top bit set: DER needs a leading zero byte

        var der = Pkcs11Mechanisms.P1363ToDer(p1363);

        Assert.Equal(new byte[] { 0x30, 0x26, 0x02, 0x01, 0x01, 0x02, 0x21, 0x00, 0x80 }, der[..9]);
        Assert.Equal(p1363, Pkcs11Mechanisms.DerToP1363(der, 32));
    }

    [Fact]
    public void Malformed_signatures_are_refused()
    {
        Assert.Throws<CryptographicException>(() => Pkcs11Mechanisms.P1363ToDer(new byte[63]));
        Assert.Throws<CryptographicException>(() => Pkcs11Mechanisms.DerToP1363([0x30, 0x03, 0x02, 0x01], 32));
    }

    [Theory]
    [InlineData("SHA256")]
    [InlineData("SHA384")]
    [InlineData("SHA512")]
    public void DigestInfo_matches_what_dotnet_signs_with_PKCS1(string hashName)
    {
        var hashAlgorithm = new HashAlgorithmName(hashName);
        using var rsa = RSA.Create(2048);
        var hash = CryptographicOperations.HashData(hashAlgorithm, "payload"u8);
        var signature = rsa.SignHash(hash, hashAlgorithm, RSASignaturePadding.Pkcs1);

        // Raw RSA "decryption" of the signature recovers the padded DigestInfo: its tail must equal ours.
        var recovered = RawPublicOperation(rsa.ExportParameters(false), signature);
        var digestInfo = Pkcs11Mechanisms.DigestInfo(hashAlgorithm, hash);

        Assert.Equal(digestInfo, recovered[^digestInfo.Length..]);
    }

    [Fact]
    public void Mechanisms_pair_each_algorithm_with_its_combined_and_raw_form()
    {
        Assert.Equal(CKM.CKM_SHA384_RSA_PKCS_PSS, Pkcs11Mechanisms.Combined(Pkcs11SignatureAlgorithm.PS384));
        Assert.Equal(CKM.CKM_RSA_PKCS_PSS, Pkcs11Mechanisms.Raw(Pkcs11SignatureAlgorithm.PS384));
        Assert.Equal(CKM.CKM_SHA512_RSA_PKCS, Pkcs11Mechanisms.Combined(Pkcs11SignatureAlgorithm.RS512));
        Assert.Equal(CKM.CKM_RSA_PKCS, Pkcs11Mechanisms.Raw(Pkcs11SignatureAlgorithm.RS512));
        Assert.Equal(CKM.CKM_ECDSA_SHA256, Pkcs11Mechanisms.Combined(Pkcs11SignatureAlgorithm.ES256));
        Assert.Equal(CKM.CKM_ECDSA, Pkcs11Mechanisms.Raw(Pkcs11SignatureAlgorithm.ES256));
        Assert.Equal(CKG.CKG_MGF1_SHA384, Pkcs11Mechanisms.Mgf(HashAlgorithmName.SHA384));
    }

    private static byte[] RawPublicOperation(RSAParameters key, byte[] signature)
    {
        var n = new System.Numerics.BigInteger(key.Modulus, isUnsigned: true, isBigEndian: true);
        var e = new System.Numerics.BigInteger(key.Exponent, isUnsigned: true, isBigEndian: true);
        var s = new System.Numerics.BigInteger(signature, isUnsigned: true, isBigEndian: true);
        return System.Numerics.BigInteger.ModPow(s, e, n).ToByteArray(isUnsigned: true, isBigEndian: true);
    }
}

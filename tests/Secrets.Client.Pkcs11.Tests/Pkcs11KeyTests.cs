using System.Security.Cryptography;
using Secrets.Client.Pkcs11.Tests.Support;

namespace Secrets.Client.Pkcs11.Tests;

[Collection(SoftHsmTestGroup.Name)]
public sealed class Pkcs11KeyTests
{
    private static readonly byte[] Data = "The quick brown fox signs a document on an HSM"u8.ToArray();

    public static TheoryData<string, string> Algorithms => new()
    {
        { "rsa-2048", "RS256" }, { "rsa-2048", "RS384" }, { "rsa-2048", "RS512" },
        { "rsa-2048", "PS256" }, { "rsa-2048", "PS384" }, { "rsa-2048", "PS512" },
        { "ec-p256", "ES256" }, { "ec-p384", "ES384" }, { "ec-p521", "ES512" }, { "ec-p256", "ES512" },
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task SignDataAsync_signature_verifies_with_a_software_public_key(string keyLabel, string algorithmName)
    {
        var algorithm = Pkcs11SignatureAlgorithm.FromName(algorithmName);
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        var key = await signer.GetKeyAsync(keyLabel);

        var signature = await key.SignDataAsync(Data, algorithm);

        Assert.True(VerifyWithSoftware(key, Data, signature, algorithm, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.False(VerifyWithSoftware(key, [.. Data, 0x01], signature, algorithm, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.True(key.VerifyData(Data, signature, algorithm));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task SignHashAsync_signs_a_precomputed_hash(string keyLabel, string algorithmName)
    {
        var algorithm = Pkcs11SignatureAlgorithm.FromName(algorithmName);
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        var key = await signer.GetKeyAsync(keyLabel);
        var hash = CryptographicOperations.HashData(algorithm.HashAlgorithm, Data);

        var signature = await key.SignHashAsync(hash, algorithm);

        Assert.True(VerifyWithSoftware(key, Data, signature, algorithm, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Theory]
    [InlineData("ec-p256", "ES256", 32)]
    [InlineData("ec-p384", "ES384", 48)]
    [InlineData("ec-p521", "ES512", 66)]
    public async Task ECDSA_signatures_come_as_r_s_or_DER_as_asked(string keyLabel, string algorithmName, int fieldSize)
    {
        var algorithm = Pkcs11SignatureAlgorithm.FromName(algorithmName);
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        var key = await signer.GetKeyAsync(keyLabel);

        var p1363 = await key.SignDataAsync(Data, algorithm, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var der = await key.SignDataAsync(Data, algorithm, DSASignatureFormat.Rfc3279DerSequence);

        Assert.Equal(2 * fieldSize, p1363.Length);
        Assert.Equal(0x30, der[0]);
        Assert.True(VerifyWithSoftware(key, Data, der, algorithm, DSASignatureFormat.Rfc3279DerSequence));
        Assert.False(VerifyWithSoftware(key, Data, der, algorithm, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.True(VerifyWithSoftware(key, Data, p1363, algorithm, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public async Task Key_describes_itself_from_token_attributes()
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());

        var rsa = await signer.GetKeyAsync("rsa-2048");
        var ec = await signer.GetKeyByIdAsync(new byte[] { 0x03 });

        Assert.Equal((Pkcs11KeyType.Rsa, 2048, null), (rsa.KeyType, rsa.KeySizeInBits, rsa.CurveName));
        Assert.Equal(new byte[] { 0x01 }, rsa.Id.ToArray());
        Assert.Equal((Pkcs11KeyType.EC, 384, "P-384", "ec-p384"), (ec.KeyType, ec.KeySizeInBits, ec.CurveName, ec.Label));
        Assert.Equal(SoftHsmFixture.TokenLabel, ec.TokenLabel);
        Assert.Equal("secrets-client-test/rsa-2048 (RSA 2048)", rsa.ToString());
    }

    [Fact]
    public async Task Keys_are_sensitive_and_not_extractable_and_their_private_half_cannot_be_exported()
    {
        await using (var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store()))
        {
            var rsaKey = await signer.GetKeyAsync("rsa-2048");
            var ecKey = await signer.GetKeyAsync("ec-p256");
            Assert.True(rsaKey.IsSensitive);
            Assert.False(rsaKey.IsExtractable);
            Assert.True(ecKey.IsSensitive);
            Assert.False(ecKey.IsExtractable);

            using var rsa = rsaKey.CreateRSA();
            using var ecdsa = ecKey.CreateECDsa();
            var error = Assert.Throws<CryptographicException>(() => rsa.ExportParameters(includePrivateParameters: true));
            Assert.Contains("cannot be exported", error.Message, StringComparison.Ordinal);
            Assert.Contains("rsa-2048", error.Message, StringComparison.Ordinal);
            Assert.Throws<CryptographicException>(() => rsa.ExportRSAPrivateKey());
            Assert.Throws<CryptographicException>(() => rsa.ExportPkcs8PrivateKey());
            Assert.Throws<CryptographicException>(() => ecdsa.ExportParameters(includePrivateParameters: true));
            Assert.Throws<CryptographicException>(() => ecdsa.ExportECPrivateKey());
            Assert.Throws<CryptographicException>(() => ecdsa.ExportPkcs8PrivateKey());
            Assert.Throws<NotSupportedException>(() => rsa.Decrypt([1, 2, 3], RSAEncryptionPadding.OaepSHA256));
        }

        // The token itself refuses to reveal or wrap the private key (checked through an independent load of the module).
        SoftHsmFixture.WithRawModule((library, slot) =>
        {
            using var session = slot!.OpenSession(Net.Pkcs11Interop.Common.SessionType.ReadOnly);
            session.Login(Net.Pkcs11Interop.Common.CKU.CKU_USER, SoftHsmFixture.UserPin);
            var factories = library.Factories;
            var handle = session.FindAllObjects(
            [
                factories.ObjectAttributeFactory.Create(Net.Pkcs11Interop.Common.CKA.CKA_CLASS, Net.Pkcs11Interop.Common.CKO.CKO_PRIVATE_KEY),
                factories.ObjectAttributeFactory.Create(Net.Pkcs11Interop.Common.CKA.CKA_LABEL, "rsa-2048"),
            ]).Single();
            var secret = session.GetAttributeValue(handle, [Net.Pkcs11Interop.Common.CKA.CKA_PRIVATE_EXPONENT, Net.Pkcs11Interop.Common.CKA.CKA_PRIME_1]);
            Assert.All(secret, attribute => Assert.True(attribute.CannotBeRead));
        });
    }

    [Fact]
    public async Task Exported_public_key_is_a_normal_dotnet_key()
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        var key = await signer.GetKeyAsync("ec-p256");
        using var hsm = key.CreateECDsa();

        using var software = ECDsa.Create();
        software.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        var signature = hsm.SignData(Data, HashAlgorithmName.SHA256);

        Assert.True(software.VerifyData(Data, signature, HashAlgorithmName.SHA256));
        Assert.Equal(256, hsm.KeySize);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), hsm.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task An_algorithm_for_the_other_key_type_gives_a_typed_error()
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        var key = await signer.GetKeyAsync("ec-p256");

        var error = await Assert.ThrowsAsync<Pkcs11MechanismNotSupportedException>(() => key.SignDataAsync(Data, Pkcs11SignatureAlgorithm.PS256).AsTask());

        Assert.Equal("PS256", error.Mechanism);
        Assert.Equal("ec-p256", error.KeyLabel);
        Assert.Throws<InvalidOperationException>(() => key.CreateRSA());
    }

    [Fact]
    public async Task An_unsupported_hash_gives_a_typed_error_through_the_dotnet_api()
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        using var rsa = (await signer.GetKeyAsync("rsa-2048")).CreateRSA();

        var error = Assert.Throws<Pkcs11MechanismNotSupportedException>(() => rsa.SignData(Data, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1));

        Assert.Contains("SHA1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hash_of_the_wrong_length_is_refused_before_the_token_is_asked()
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        var key = await signer.GetKeyAsync("rsa-2048");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => key.SignHashAsync(new byte[20], Pkcs11SignatureAlgorithm.RS256).AsTask());

        Assert.Equal("hash", error.ParamName);
    }

    [Fact]
    public async Task Token_lacking_CKM_ECDSA_SHA256_hashes_in_process_while_RSA_uses_the_tokens_hash_and_sign()
    {
        using var capture = new TelemetryCapture();
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        var ec = await signer.GetKeyAsync("ec-p256");
        var rsa = await signer.GetKeyAsync("rsa-2048");

        await ec.SignDataAsync(Data, Pkcs11SignatureAlgorithm.ES256);
        await rsa.SignDataAsync(Data, Pkcs11SignatureAlgorithm.RS256);
        await rsa.SignHashAsync(SHA256.HashData(Data), Pkcs11SignatureAlgorithm.RS256);

        var mechanisms = capture.Measurements.Where(m => m.Instrument == "secrets.pkcs11.signatures" && m.Tags["pkcs11.signer"] == signer.Name)
            .Select(m => (m.Tags["pkcs11.key"], m.Tags["pkcs11.mechanism"], m.Tags["outcome"])).ToList();
        Assert.Contains(("ec-p256", "CKM_ECDSA", "success"), mechanisms);
        Assert.Contains(("rsa-2048", "CKM_SHA256_RSA_PKCS", "success"), mechanisms);
        Assert.Contains(("rsa-2048", "CKM_RSA_PKCS", "success"), mechanisms);
    }

    internal static bool VerifyWithSoftware(Pkcs11Key key, byte[] data, byte[] signature, Pkcs11SignatureAlgorithm algorithm, DSASignatureFormat format)
    {
        if (key.KeyType == Pkcs11KeyType.Rsa)
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
            return rsa.VerifyData(data, signature, algorithm.HashAlgorithm, algorithm.Padding!);
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        return ecdsa.VerifyData(data, signature, algorithm.HashAlgorithm, format);
    }
}

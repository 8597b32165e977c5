using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Secrets.Client.Pkcs11.Tests.Support;

namespace Secrets.Client.Pkcs11.Tests;

/// <summary>openssl, an independent implementation, verifies what the token signed.</summary>
[Collection(SoftHsmTestGroup.Name)]
public sealed class OpenSslVerificationTests(SoftHsmFixture fixture)
{
    private static readonly byte[] Data = "openssl is the judge"u8.ToArray();

    [Theory]
    [InlineData("rsa-2048", "RS256", "-sha256")]
    [InlineData("rsa-2048", "RS512", "-sha512")]
    [InlineData("rsa-2048", "PS256", "-sha256")]
    [InlineData("rsa-2048", "PS384", "-sha384")]
    [InlineData("ec-p256", "ES256", "-sha256")]
    [InlineData("ec-p384", "ES384", "-sha384")]
    [InlineData("ec-p521", "ES512", "-sha512")]
    public async Task Openssl_verifies_the_signature(string keyLabel, string algorithmName, string digest)
    {
        var algorithm = Pkcs11SignatureAlgorithm.FromName(algorithmName);
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        var key = await signer.GetKeyAsync(keyLabel);
        // openssl wants ECDSA signatures as DER.
        var signature = await key.SignDataAsync(Data, algorithm, DSASignatureFormat.Rfc3279DerSequence);

        var folder = Directory.CreateTempSubdirectory("openssl-").FullName;
        var publicKey = Path.Combine(folder, "public.pem");
        var dataFile = Path.Combine(folder, "data.bin");
        var signatureFile = Path.Combine(folder, "signature.bin");
        await File.WriteAllTextAsync(publicKey, PemEncoding.WriteString("PUBLIC KEY", key.ExportSubjectPublicKeyInfo()));
        await File.WriteAllBytesAsync(dataFile, Data);
        await File.WriteAllBytesAsync(signatureFile, signature);
        List<string> arguments = ["dgst", digest, "-verify", publicKey, "-signature", signatureFile];
        if (algorithm.Padding == RSASignaturePadding.Pss)
        {
            arguments.AddRange(["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]);
        }

        arguments.Add(dataFile);
        var output = SoftHsmFixture.Run("openssl", [.. arguments]);
        Assert.Contains("Verified OK", output, StringComparison.Ordinal);

        // And it rejects a tampered signature (the check above can fail).
        signature[^5] ^= 0x40;
        await File.WriteAllBytesAsync(signatureFile, signature);
        Assert.Throws<InvalidOperationException>(() => SoftHsmFixture.Run("openssl", [.. arguments]));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Openssl_verifies_a_certificate_signing_request_and_a_self_signed_certificate()
    {
        _ = fixture;
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        using var ecdsa = (await signer.GetKeyAsync("ec-p256")).CreateECDsa();
        var request = new CertificateRequest("CN=hsm.example", ecdsa, HashAlgorithmName.SHA256);
        var csr = request.CreateSigningRequestPem();
        using var certificate = request.Create(new X500DistinguishedName("CN=hsm.example"), X509SignatureGenerator.CreateForECDsa(ecdsa), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);

        var folder = Directory.CreateTempSubdirectory("openssl-").FullName;
        var csrFile = Path.Combine(folder, "request.csr");
        var certificateFile = Path.Combine(folder, "certificate.pem");
        await File.WriteAllTextAsync(csrFile, csr);
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());

        var csrOutput = SoftHsmFixture.Run("openssl", "req", "-in", csrFile, "-verify", "-noout");
        var certificateOutput = SoftHsmFixture.Run("openssl", "verify", "-CAfile", certificateFile, certificateFile);

        Assert.Contains("verify OK", csrOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(": OK", certificateOutput, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }
}

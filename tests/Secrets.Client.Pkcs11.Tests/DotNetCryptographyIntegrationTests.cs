using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Secrets.Client.Pkcs11.Tests.Support;

namespace Secrets.Client.Pkcs11.Tests;

/// <summary>Unchanged .NET consumers (CertificateRequest, X509SignatureGenerator, a JWT library) sign through the token.</summary>
[Collection(SoftHsmTestGroup.Name)]
public sealed class DotNetCryptographyIntegrationTests
{
    [Theory]
    [InlineData("Pkcs1")]
    [InlineData("Pss")]
    public async Task CertificateRequest_signs_a_CSR_and_a_certificate_with_the_HSM_RSA_key(string paddingName)
    {
        var padding = paddingName == "Pss" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        using var rsa = (await signer.GetKeyAsync("rsa-2048")).CreateRSA();
        var request = new CertificateRequest("CN=signing.example", rsa, HashAlgorithmName.SHA384, padding);

        var csr = request.CreateSigningRequest();
        var loaded = CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA384, CertificateRequestLoadOptions.Default, padding);

        Assert.Equal("CN=signing.example", loaded.SubjectName.Name);
        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(rsa, padding), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), [9, 8, 7]);
        Assert.True(IsSignedBy(certificate, certificate));
        var tampered = csr.ToArray();
        tampered[^10] ^= 0x01;
        Assert.ThrowsAny<CryptographicException>(() => CertificateRequest.LoadSigningRequest(tampered, HashAlgorithmName.SHA384, CertificateRequestLoadOptions.Default, padding));
    }

    [Fact]
    public async Task HSM_key_signs_a_certificate_that_a_chain_check_accepts()
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        using var caKey = (await signer.GetKeyAsync("ec-p384")).CreateECDsa();
        var caRequest = new CertificateRequest("CN=HSM Root CA", caKey, HashAlgorithmName.SHA384);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.Create(caRequest.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddYears(1), [1]);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=leaf.example", leafKey, HashAlgorithmName.SHA256);
        using var leaf = leafRequest.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(30), [2]);

        Assert.True(IsSignedBy(leaf, ca));
        using var otherCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var impostor = new CertificateRequest("CN=HSM Root CA", otherCaKey, HashAlgorithmName.SHA384).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddYears(1));
        Assert.False(IsSignedBy(leaf, impostor));
    }

    [Theory]
    [InlineData("rsa-2048", SecurityAlgorithms.RsaSha256)]
    [InlineData("rsa-2048", SecurityAlgorithms.RsaSsaPssSha256)]
    [InlineData("ec-p256", SecurityAlgorithms.EcdsaSha256)]
    [InlineData("ec-p384", SecurityAlgorithms.EcdsaSha384)]
    public async Task JWT_library_signs_with_the_HSM_key_unchanged_and_validates_with_a_software_key(string keyLabel, string algorithm)
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        var key = await signer.GetKeyAsync(keyLabel);
        using AsymmetricAlgorithm hsmKey = key.KeyType == Pkcs11KeyType.Rsa ? key.CreateRSA() : key.CreateECDsa();
        SecurityKey signingKey = hsmKey is RSA rsa ? new RsaSecurityKey(rsa) : new ECDsaSecurityKey((ECDsa)hsmKey);
        SecurityKey validationKey = key.KeyType == Pkcs11KeyType.Rsa
            ? new RsaSecurityKey(RSA.Create(((RSA)hsmKey).ExportParameters(false)))
            : new ECDsaSecurityKey(ECDsa.Create(((ECDsa)hsmKey).ExportParameters(false)));
        var handler = new JsonWebTokenHandler();

        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://issuer.example",
            Audience = "api",
            Claims = new Dictionary<string, object> { ["sub"] = "alice" },
            SigningCredentials = new SigningCredentials(signingKey, algorithm),
        });
        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "https://issuer.example",
            ValidAudience = "api",
            IssuerSigningKey = validationKey,
        });

        Assert.True(result.IsValid, result.Exception?.ToString());
        Assert.Equal("alice", result.Claims["sub"]);
        Assert.Equal(algorithm, new JsonWebToken(token).Alg);
    }

    [Theory]
    [InlineData("ec-p256", "ES256")]
    [InlineData("rsa-2048", "RS256")]
    [InlineData("rsa-2048", "PS256")]
    public async Task Hand_built_JWT_signed_through_SignData_verifies_in_the_JWT_library(string keyLabel, string alg)
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        var key = await signer.GetKeyAsync(keyLabel);
        var header = Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg, typ = "JWT" }));
        var payload = Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(new { sub = "bob", aud = "api", iss = "me", exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds() }));
        var signingInput = Encoding.ASCII.GetBytes($"{header}.{payload}");

        // ES256 wants r||s, which is what ECDsa.SignData returns by default (IEEE P1363).
        byte[] signature;
        SecurityKey validationKey;
        if (key.KeyType == Pkcs11KeyType.EC)
        {
            using var ecdsa = key.CreateECDsa();
            signature = ecdsa.SignData(signingInput, HashAlgorithmName.SHA256);
            validationKey = new ECDsaSecurityKey(ECDsa.Create(ecdsa.ExportParameters(false)));
        }
        else
        {
            using var rsa = key.CreateRSA();
            signature = rsa.SignData(signingInput, HashAlgorithmName.SHA256, alg == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
            validationKey = new RsaSecurityKey(RSA.Create(rsa.ExportParameters(false)));
        }

        var jwt = $"{header}.{payload}.{Base64UrlEncoder.Encode(signature)}";
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters { ValidIssuer = "me", ValidAudience = "api", IssuerSigningKey = validationKey });

        Assert.True(result.IsValid, result.Exception?.ToString());
    }

    private static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(issuer);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(certificate);
    }
}

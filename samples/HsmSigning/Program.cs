// Signs a certificate signing request and a JWT with keys that never leave a PKCS#11 token, then verifies both
// with ordinary software keys.
//
//   dotnet run --project samples/HsmSigning
//       creates a throw-away SoftHSM2 token with an RSA and an EC key, then signs with them.
//   HSM_PIN=... dotnet run --project samples/HsmSigning -- --module /usr/lib/softhsm/libsofthsm2.so --token my-token --rsa-key csr-signing --ec-key jwt-signing
//       uses your own token; the PIN is read from the HSM_PIN environment variable through the secret store.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using HsmSigning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Pkcs11;

var options = ParseArguments(args);
using var demoToken = options.Module is null ? new DemoToken() : null;

var services = new ServiceCollection();
services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
// The PIN is a secret like any other: the signer reads it through ISecretStore. Here it comes from an environment
// variable (the demo token's random PIN); in production point PinReference at a vault instead (azure-kv://..., aws-sm://...).
services.AddSecretStore(store => store.AddEnvironmentVariables(env => env.AllowInProduction = true));
services.AddPkcs11Signer(signer =>
{
    signer.ModulePath = options.Module ?? DemoToken.ModulePath;
    signer.TokenLabel = options.Token ?? DemoToken.Label;
    signer.PinReference = SecretReference.Parse($"env://{DemoToken.PinVariable}");
});

await using (var provider = services.BuildServiceProvider())
{
    var signer = provider.GetRequiredService<Pkcs11Signer>();

    // 1. A certificate signing request signed by the token's RSA key (RSA-PSS, SHA-256).
    var rsaKey = await signer.GetKeyAsync(options.RsaKey ?? "csr-signing");
    using (var rsa = rsaKey.CreateRSA())
    {
        var request = new CertificateRequest("CN=hsm-signing.example, O=Secrets.Client sample", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var csr = request.CreateSigningRequest();

        // LoadSigningRequest checks the signature against the public key inside the request.
        var checkedRequest = CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default, RSASignaturePadding.Pss);
        Console.WriteLine(PemEncoding.WriteString("CERTIFICATE REQUEST", csr));
        Console.WriteLine($"CSR for '{checkedRequest.SubjectName.Name}' signed on the token by {rsaKey}: signature verified.");
    }

    // 2. An ES256 JWT: base64url(header).base64url(payload), signed by the token's P-256 key. ECDsa.SignData returns
    //    r||s (IEEE P1363), which is exactly what JWS wants.
    var ecKey = await signer.GetKeyAsync(options.EcKey ?? "jwt-signing");
    using (var ecdsa = ecKey.CreateECDsa())
    {
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "ES256", typ = "JWT", kid = ecKey.Label }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { sub = "sample-user", iss = "hsm-signing-sample", iat = DateTimeOffset.UtcNow.ToUnixTimeSeconds() }));
        var signingInput = Encoding.ASCII.GetBytes($"{header}.{payload}");
        var signature = ecdsa.SignData(signingInput, HashAlgorithmName.SHA256);
        var jwt = $"{header}.{payload}.{Base64Url(signature)}";

        // Verify as any relying party would: with a plain software key built from the exported public key.
        using var verifier = ECDsa.Create();
        verifier.ImportSubjectPublicKeyInfo(ecKey.ExportSubjectPublicKeyInfo(), out _);
        var valid = verifier.VerifyData(signingInput, signature, HashAlgorithmName.SHA256);
        Console.WriteLine();
        Console.WriteLine(jwt);
        Console.WriteLine($"JWT signed on the token by {ecKey}: signature {(valid ? "verified" : "INVALID")}.");

        try
        {
            ecdsa.ExportECPrivateKey();
        }
        catch (CryptographicException ex)
        {
            Console.WriteLine($"Exporting the private key fails as it should: {ex.Message}");
        }

        if (!valid)
        {
            return 1;
        }
    }
}

return 0;

static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

static (string? Module, string? Token, string? RsaKey, string? EcKey) ParseArguments(string[] args)
{
    string? Value(string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    return (Value("--module"), Value("--token"), Value("--rsa-key"), Value("--ec-key"));
}

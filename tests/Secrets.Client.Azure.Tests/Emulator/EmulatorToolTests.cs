using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using Secrets.Client.Testing;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Azure.Tests.Emulator;

/// <summary>The standalone <c>secrets-emulator azure</c> process prints what a client needs and serves Key Vault over HTTPS.</summary>
public sealed class EmulatorToolTests
{
    [Fact]
    public async Task Prints_vault_url_token_and_certificate_and_serves_the_real_sdk()
    {
        await using var tool = await EmulatorToolProcess.StartAsync(4, "azure", "--port", "0");
        var variables = tool.Variables;

        Assert.StartsWith("https://127.0.0.1:", variables["AZURE_KEYVAULT_URL"], StringComparison.Ordinal);
        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(variables["AZURE_KEYVAULT_CERTIFICATE_PEM"]));
        var pinned = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
            presented is not null && presented.GetCertHashString(HashAlgorithmName.SHA256) == pinned;
        var options = new AzureKeyVaultSecretProviderOptions
        {
            Credential = new EmulatorTokenCredential(variables["AZURE_KEYVAULT_TOKEN"]),
            ConfigureClientOptions = client =>
            {
                client.Transport = new HttpClientTransport(handler);
                client.DisableChallengeResourceVerification = true;
            },
            Environment = "Development",
        };
        options.Vaults["tool"] = new Uri(variables["AZURE_KEYVAULT_URL"]);
        await using var provider = new AzureKeyVaultSecretProvider(options);

        using (var value = SecretValue.FromText("from-the-tool"))
        {
            await provider.SetSecretAsync("tool/db-password", value);
        }

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://tool/db-password"));
        Assert.Equal("from-the-tool", secret.Value.ExposeAsString());

        Assert.Equal(0, await tool.StopAsync());
        Assert.False(File.Exists(variables["AZURE_KEYVAULT_CERTIFICATE_PEM"]));
    }
}

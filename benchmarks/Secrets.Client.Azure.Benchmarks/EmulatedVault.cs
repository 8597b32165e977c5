using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Secrets.Client.Azure;
using Secrets.Client.Testing;

namespace Secrets.Client.Azure.Benchmarks;

/// <summary>Wires the real SecretClient, or our provider, to an in-process emulator.</summary>
public static class EmulatedVault
{
    public static SecretClient CreateClient(AzureKeyVaultEmulator emulator)
    {
        var options = new SecretClientOptions();
        options.Retry.MaxRetries = 0;
        Wire(emulator, options);
        return new SecretClient(emulator.VaultUri, emulator.CreateCredential(), options);
    }

    public static AzureKeyVaultSecretProvider CreateProvider(AzureKeyVaultEmulator emulator, int maxConcurrentRequests = 0)
    {
        var options = new AzureKeyVaultSecretProviderOptions
        {
            Credential = emulator.CreateCredential(),
            ConfigureClientOptions = o => Wire(emulator, o),
            Environment = "Development",
        };
        if (maxConcurrentRequests > 0)
        {
            options.MaxConcurrentRequests = maxConcurrentRequests;
        }

        options.Vaults["main"] = emulator.VaultUri;
        return new AzureKeyVaultSecretProvider(options);
    }

    private static void Wire(AzureKeyVaultEmulator emulator, SecretClientOptions options)
    {
        options.Transport = new HttpClientTransport(emulator.CreateHandler());
        options.DisableChallengeResourceVerification = true;
    }
}

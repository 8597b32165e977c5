using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Secrets.Client.Testing;

namespace Secrets.Client.Azure.Tests;

/// <summary>An emulated vault plus the wiring every test needs to point the real SDK (or our provider) at it.</summary>
internal sealed class KeyVaultHarness : IAsyncDisposable
{
    private KeyVaultHarness(AzureKeyVaultEmulator emulator) => Emulator = emulator;

    public AzureKeyVaultEmulator Emulator { get; }

    public static async Task<KeyVaultHarness> StartAsync(AzureKeyVaultEmulatorOptions? options = null) =>
        new(await AzureKeyVaultEmulator.StartAsync(options));

    public void Wire(SecretClientOptions options)
    {
        options.Transport = new HttpClientTransport(Emulator.CreateHandler());
        options.DisableChallengeResourceVerification = true;
    }

    public SecretClient CreateClient()
    {
        var options = new SecretClientOptions();
        options.Retry.MaxRetries = 0;
        Wire(options);
        return new SecretClient(Emulator.VaultUri, Emulator.CreateCredential(), options);
    }

    public AzureKeyVaultSecretProviderOptions CreateOptions(Action<AzureKeyVaultSecretProviderOptions>? configure = null)
    {
        var options = new AzureKeyVaultSecretProviderOptions
        {
            Credential = Emulator.CreateCredential(),
            ConfigureClientOptions = Wire,
            Environment = "Development",
        };
        options.Vaults["main"] = Emulator.VaultUri;
        configure?.Invoke(options);
        return options;
    }

    public AzureKeyVaultSecretProvider CreateProvider(Action<AzureKeyVaultSecretProviderOptions>? configure = null, ILoggerFactory? loggerFactory = null) =>
        new(CreateOptions(configure), loggerFactory);

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}

using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Secrets.Client.Testing;

namespace Secrets.Client.Testing.Tests.Azure;

/// <summary>An emulated vault and the official <see cref="SecretClient"/> pointed at it (trusting exactly its certificate).</summary>
internal sealed class KeyVaultHarness : IAsyncDisposable
{
    private KeyVaultHarness(AzureKeyVaultEmulator emulator) => Emulator = emulator;

    public AzureKeyVaultEmulator Emulator { get; }

    public static async Task<KeyVaultHarness> StartAsync(AzureKeyVaultEmulatorOptions? options = null) => new(await AzureKeyVaultEmulator.StartAsync(options));

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

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}

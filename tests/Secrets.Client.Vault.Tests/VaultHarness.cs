using Microsoft.Extensions.Logging;
using Secrets.Client.Testing;

namespace Secrets.Client.Vault.Tests;

/// <summary>An emulated Vault plus the files and options that point our provider at it.</summary>
internal sealed class VaultHarness : IAsyncDisposable
{
    private readonly string _directory;

    private VaultHarness(HashiCorpVaultEmulator emulator, string directory)
    {
        Emulator = emulator;
        _directory = directory;
        JwtPath = Path.Combine(directory, "token");
        SecretIdPath = Path.Combine(directory, "secret-id");
        File.WriteAllText(JwtPath, emulator.KubernetesJwt + "\n");
        File.WriteAllText(SecretIdPath, emulator.AppRoleSecretId + "\n");
    }

    public HashiCorpVaultEmulator Emulator { get; }

    public string JwtPath { get; }

    public string SecretIdPath { get; }

    public static async Task<VaultHarness> StartAsync(HashiCorpVaultEmulatorOptions? options = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "vault-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return new(await HashiCorpVaultEmulator.StartAsync(options), directory);
    }

    /// <summary>Kubernetes auth against the emulator (the default), in Development.</summary>
    public HashiCorpVaultSecretProviderOptions CreateOptions(Action<HashiCorpVaultSecretProviderOptions>? configure = null)
    {
        var options = new HashiCorpVaultSecretProviderOptions
        {
            Endpoint = Emulator.Address,
            AuthMethod = VaultAuthMethod.Kubernetes,
            Role = Emulator.KubernetesRole,
            ServiceAccountTokenPath = JwtPath,
            Environment = "Development",
        };
        configure?.Invoke(options);
        return options;
    }

    public void UseAppRole(HashiCorpVaultSecretProviderOptions options)
    {
        options.AuthMethod = VaultAuthMethod.AppRole;
        options.AppRoleRoleId = Emulator.AppRoleRoleId;
        options.AppRoleSecretIdPath = SecretIdPath;
    }

    public HashiCorpVaultSecretProvider CreateProvider(Action<HashiCorpVaultSecretProviderOptions>? configure = null, ILoggerFactory? loggerFactory = null) =>
        new(CreateOptions(configure), loggerFactory);

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

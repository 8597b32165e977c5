using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// <c>secrets-emulator vault</c>: the HashiCorp Vault emulator over plain HTTP on loopback, described with Vault's own
/// variables (<c>VAULT_ADDR</c>, <c>VAULT_TOKEN</c> = the root token, for the CLI and tools) plus the AppRole and
/// Kubernetes credentials it accepts.
/// </summary>
internal sealed class VaultEmulatorKind : IRunningEmulator
{
    private readonly HashiCorpVaultEmulator _emulator;

    private VaultEmulatorKind(HashiCorpVaultEmulator emulator) => _emulator = emulator;

    public IReadOnlyList<KeyValuePair<string, string>> Environment =>
    [
        new("VAULT_ADDR", _emulator.Address.ToString().TrimEnd('/')),
        new("VAULT_TOKEN", _emulator.RootToken),
        new("VAULT_APPROLE_ROLE_ID", _emulator.AppRoleRoleId),
        new("VAULT_APPROLE_SECRET_ID", _emulator.AppRoleSecretId),
        new("VAULT_KUBERNETES_ROLE", _emulator.KubernetesRole),
        new("VAULT_KUBERNETES_JWT", _emulator.KubernetesJwt),
    ];

    public static async Task<IRunningEmulator> StartAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
        if (settings.UseHttps)
        {
            throw new ArgumentException("The Vault emulator serves plain HTTP on loopback only; drop --https.");
        }

        var emulator = await HashiCorpVaultEmulator.StartAsync(new HashiCorpVaultEmulatorOptions { Port = settings.Port }, cancellationToken).ConfigureAwait(false);
        return new VaultEmulatorKind(emulator);
    }

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();
}

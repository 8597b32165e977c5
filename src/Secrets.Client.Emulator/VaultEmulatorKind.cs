using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// <c>secrets-emulator vault</c>: the HashiCorp Vault emulator over plain HTTP on loopback, described with Vault's own
/// variables (<c>VAULT_ADDR</c>, <c>VAULT_TOKEN</c> = the root token, for the CLI and tools) plus the AppRole and
/// Kubernetes credentials it accepts.
/// </summary>
internal sealed class VaultEmulatorKind : RunningEmulator
{
    private readonly HashiCorpVaultEmulator _emulator;

    private VaultEmulatorKind(HashiCorpVaultEmulator emulator)
        : base(emulator) => _emulator = emulator;

    public override IReadOnlyList<KeyValuePair<string, string>> Environment =>
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

        var emulator = await HashiCorpVaultEmulator.StartAsync(new HashiCorpVaultEmulatorOptions { Port = settings.Port, EventsEnabled = settings.EventsEnabled }, cancellationToken).ConfigureAwait(false);
        foreach (var secret in settings.Seed?.Secrets ?? [])
        {
            // "mount/path/to/secret"; a name without a known mount goes to the default mount "secret".
            var slash = secret.Name.IndexOf('/', StringComparison.Ordinal);
            var (mount, path) = slash > 0 && secret.Name[..slash] == "secret" ? (secret.Name[..slash], secret.Name[(slash + 1)..]) : ("secret", secret.Name);
            foreach (var version in secret.Versions)
            {
                emulator.WriteSecretJson(mount, path, version.DataJson ?? System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["value"] = version.AsText() }));
            }

            if (secret.Tags.Count > 0)
            {
                emulator.SetCustomMetadata(mount, path, secret.Tags);
            }
        }

        return new VaultEmulatorKind(emulator);
    }
}

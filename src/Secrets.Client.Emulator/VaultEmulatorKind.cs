using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// Starts the <c>vault</c> kind (<see cref="EmulatorKinds.Vault"/>): a HashiCorp Vault emulator over plain HTTP on
/// loopback with the seed's secrets written to KV v2 (tags as custom metadata).
/// </summary>
internal static class VaultEmulatorKind
{
    public static async Task<HashiCorpVaultEmulator> StartAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
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

        return emulator;
    }
}

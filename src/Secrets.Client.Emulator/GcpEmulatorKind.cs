using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// Starts the <c>gcp</c> kind (<see cref="EmulatorKinds.Gcp"/>): a Secret Manager emulator over plain HTTP on 127.0.0.1,
/// without authentication unless an identity emulator checks the callers, with the seed's versions and labels.
/// </summary>
internal static class GcpEmulatorKind
{
    public static async Task<GcpSecretManagerEmulator> StartAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
        var options = new GcpSecretManagerEmulatorOptions { Port = settings.Port, AllowAnonymous = settings.Authenticator is null, Authenticator = settings.Authenticator };
        var emulator = await GcpSecretManagerEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
        foreach (var secret in settings.Seed?.Secrets ?? [])
        {
            foreach (var version in secret.Versions)
            {
                emulator.AddVersion(secret.Name, version.Binary ?? System.Text.Encoding.UTF8.GetBytes(version.AsText()));
            }

            emulator.SetLabels(secret.Name, secret.Tags);
        }

        return emulator;
    }
}

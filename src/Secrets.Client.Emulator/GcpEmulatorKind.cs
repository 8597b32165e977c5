using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// <c>secrets-emulator gcp</c>: the Secret Manager emulator over plain HTTP on 127.0.0.1 without authentication,
/// described by Google's emulator convention (<c>SECRET_MANAGER_EMULATOR_HOST</c>) and <c>GOOGLE_CLOUD_PROJECT</c>.
/// </summary>
internal sealed class GcpEmulatorKind : RunningEmulator
{
    private readonly GcpSecretManagerEmulator _emulator;

    private GcpEmulatorKind(GcpSecretManagerEmulator emulator)
        : base(emulator) => _emulator = emulator;

    public override IReadOnlyList<KeyValuePair<string, string>> Environment =>
    [
        new("SECRET_MANAGER_EMULATOR_HOST", _emulator.Endpoint.Authority),
        new("GOOGLE_CLOUD_PROJECT", _emulator.ProjectId),
    ];

    public static async Task<IRunningEmulator> StartAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
        if (settings.UseHttps)
        {
            throw new ArgumentException("The GCP emulator serves plain HTTP, as SECRET_MANAGER_EMULATOR_HOST expects; drop --https.");
        }

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

        return new GcpEmulatorKind(emulator);
    }
}

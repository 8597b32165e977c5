using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>Starts the <c>aws</c> kind (<see cref="EmulatorKinds.Aws"/>): a Secrets Manager emulator with the seed's secrets, versions staged as given, and tags.</summary>
internal static class AwsEmulatorKind
{
    public static async Task<AwsSecretsManagerEmulator> StartAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
        var options = new AwsSecretsManagerEmulatorOptions { Port = settings.Port, UseHttps = settings.UseHttps, Authenticator = settings.Authenticator };
        options.Region = settings.Region ?? options.Region;
        var emulator = await AwsSecretsManagerEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
        foreach (var secret in settings.Seed?.Secrets ?? [])
        {
            var first = secret.Versions[0];
            _ = first.Binary is { } bytes ? emulator.CreateSecret(secret.Name, bytes) : emulator.CreateSecret(secret.Name, first.AsText(), secret.Description);
            foreach (var version in secret.Versions.Skip(1))
            {
                var stages = version.Stages.ToArray();
                _ = version.Binary is { } more ? emulator.PutSecretValue(secret.Name, more, stages) : emulator.PutSecretValue(secret.Name, version.AsText(), stages);
            }

            emulator.TagSecret(secret.Name, secret.Tags);
        }

        return emulator;
    }
}

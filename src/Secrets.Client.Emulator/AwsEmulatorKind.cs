using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>Runs an <see cref="AwsSecretsManagerEmulator"/> and describes it with the variables the AWS SDKs and our adapter read.</summary>
internal sealed class AwsEmulatorKind : RunningEmulator
{
    private readonly AwsSecretsManagerEmulator _emulator;

    private AwsEmulatorKind(AwsSecretsManagerEmulator emulator)
        : base(emulator) => _emulator = emulator;

    public override IReadOnlyList<KeyValuePair<string, string>> Environment =>
    [
        new("AWS_ENDPOINT_URL_SECRETS_MANAGER", _emulator.Endpoint.ToString().TrimEnd('/')),
        new("AWS_ACCESS_KEY_ID", _emulator.AccessKeyId),
        new("AWS_SECRET_ACCESS_KEY", _emulator.SecretAccessKey),
        new("AWS_REGION", _emulator.Region),
        new("AWS_SECRETS_MANAGER_AGENT_TOKEN", _emulator.AgentToken),
    ];

    public static async Task<IRunningEmulator> StartAsync(EmulatorSettings settings, CancellationToken cancellationToken)
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

        return new AwsEmulatorKind(emulator);
    }
}

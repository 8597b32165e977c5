using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>Runs an <see cref="AwsSecretsManagerEmulator"/> and describes it with the AWS SDKs' standard variables.</summary>
internal sealed class AwsEmulatorKind : IRunningEmulator
{
    private readonly AwsSecretsManagerEmulator _emulator;

    private AwsEmulatorKind(AwsSecretsManagerEmulator emulator) => _emulator = emulator;

    public IReadOnlyList<KeyValuePair<string, string>> Environment =>
    [
        new("AWS_ENDPOINT_URL", _emulator.Endpoint.ToString().TrimEnd('/')),
        new("AWS_ACCESS_KEY_ID", _emulator.AccessKeyId),
        new("AWS_SECRET_ACCESS_KEY", _emulator.SecretAccessKey),
        new("AWS_REGION", _emulator.Region),
        new("AWS_SECRETS_MANAGER_AGENT_TOKEN", _emulator.AgentToken),
    ];

    public static async Task<IRunningEmulator> StartAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
        var options = new AwsSecretsManagerEmulatorOptions { Port = settings.Port, UseHttps = settings.UseHttps };
        if (settings.Region is not null)
        {
            options.Region = settings.Region;
        }

        return new AwsEmulatorKind(await AwsSecretsManagerEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false));
    }

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();
}

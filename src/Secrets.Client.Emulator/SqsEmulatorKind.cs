using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// <c>secrets-emulator sqs</c>: the SQS emulator (JSON protocol, SigV4), described with the variables the AWS SDKs read
/// (<c>AWS_ENDPOINT_URL_SQS</c>, region and the emulator's test keys), for running the AWS change listener locally.
/// </summary>
internal sealed class SqsEmulatorKind : RunningEmulator
{
    private readonly SqsEmulator _emulator;

    private SqsEmulatorKind(SqsEmulator emulator)
        : base(emulator) => _emulator = emulator;

    public override IReadOnlyList<KeyValuePair<string, string>> Environment =>
    [
        new("AWS_ENDPOINT_URL_SQS", _emulator.Endpoint.ToString().TrimEnd('/')),
        new("AWS_ACCESS_KEY_ID", _emulator.AccessKeyId),
        new("AWS_SECRET_ACCESS_KEY", _emulator.SecretAccessKey),
        new("AWS_REGION", _emulator.Region),
    ];

    public static async Task<IRunningEmulator> StartAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
        if (settings.UseHttps)
        {
            throw new ArgumentException("The SQS emulator serves plain HTTP on 127.0.0.1; drop --https.");
        }

        var options = new SqsEmulatorOptions { Port = settings.Port };
        options.Region = settings.Region ?? options.Region;
        return new SqsEmulatorKind(await SqsEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false));
    }
}

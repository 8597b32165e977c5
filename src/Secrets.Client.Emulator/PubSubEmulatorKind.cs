using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// <c>secrets-emulator pubsub</c>: the Pub/Sub emulator over plain HTTP without authentication, described by Google's
/// emulator convention (<c>PUBSUB_EMULATOR_HOST</c>) and <c>GOOGLE_CLOUD_PROJECT</c>, for running the GCP change listener locally.
/// </summary>
internal sealed class PubSubEmulatorKind : RunningEmulator
{
    private readonly PubSubEmulator _emulator;

    private PubSubEmulatorKind(PubSubEmulator emulator)
        : base(emulator) => _emulator = emulator;

    public override IReadOnlyList<KeyValuePair<string, string>> Environment =>
    [
        new("PUBSUB_EMULATOR_HOST", _emulator.Endpoint.Authority),
        new("GOOGLE_CLOUD_PROJECT", _emulator.ProjectId),
    ];

    public static async Task<IRunningEmulator> StartAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
        if (settings.UseHttps)
        {
            throw new ArgumentException("The Pub/Sub emulator serves plain HTTP, as PUBSUB_EMULATOR_HOST expects; drop --https.");
        }

        var options = new PubSubEmulatorOptions { Port = settings.Port, AllowAnonymous = true };
        return new PubSubEmulatorKind(await PubSubEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false));
    }
}

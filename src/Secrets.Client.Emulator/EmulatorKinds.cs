using System.Collections.Frozen;

namespace Secrets.Client.Emulator;

/// <summary>The emulators this tool can run. Adding a kind is one entry here.</summary>
internal static class EmulatorKinds
{
    public static readonly FrozenDictionary<string, Func<EmulatorSettings, CancellationToken, Task<IRunningEmulator>>> All =
        new Dictionary<string, Func<EmulatorSettings, CancellationToken, Task<IRunningEmulator>>>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws"] = AwsEmulatorKind.StartAsync,
            ["azure"] = AzureEmulatorKind.StartAsync,
            ["gcp"] = GcpEmulatorKind.StartAsync,
            ["vault"] = VaultEmulatorKind.StartAsync,
            ["sqs"] = SqsEmulatorKind.StartAsync,
            ["pubsub"] = PubSubEmulatorKind.StartAsync,
            ["aws-identity"] = IdentityEmulatorKind.StartAwsAsync,
            ["azure-identity"] = IdentityEmulatorKind.StartAzureAsync,
            ["gcp-identity"] = IdentityEmulatorKind.StartGcpAsync,
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
}

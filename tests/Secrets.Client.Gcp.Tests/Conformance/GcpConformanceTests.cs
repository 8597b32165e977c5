using System.Globalization;
using Secrets.Client.Testing;
using Secrets.Client.Tests.Conformance;

namespace Secrets.Client.Gcp.Tests.Conformance;

/// <summary>The provider conformance suite over the Secret Manager emulator (REST v1).</summary>
public sealed class GcpConformanceTests : ProviderConformanceTests
{
    protected override async Task<ConformanceBackend> StartBackendAsync() => new GcpBackend(await GcpSecretManagerEmulator.StartAsync());

    private sealed class GcpBackend(GcpSecretManagerEmulator emulator) : ConformanceBackend
    {
        public override string ProviderName => GcpSecretManagerSecretProvider.DefaultName;

        public override EmulatorFaults Faults => emulator.Faults;

        public override EmulatorTraffic Traffic => emulator.Traffic;

        public override string Seed(string name, string value) => emulator.AddVersion(name, value).ToString(CultureInfo.InvariantCulture);

        public override IReadOnlyList<string> SeedRefusedSecrets(string canary)
        {
            emulator.DisableVersion("conf-disabled", emulator.AddVersion("conf-disabled", canary));
            emulator.DestroyVersion("conf-destroyed", emulator.AddVersion("conf-destroyed", canary));
            emulator.AddVersion("conf-prod-labelled", canary);
            emulator.SetLabels("conf-prod-labelled", new Dictionary<string, string> { ["environment"] = "production" });
            return [Reference("conf-disabled"), Reference("conf-destroyed"), Reference("conf-prod-labelled")];
        }

        public override SecretProvider CreateProvider(ConformanceProviderSettings settings)
        {
            var token = settings.WrongCredentials ? "wrong-token" : emulator.TestToken;
            var options = new GcpSecretManagerSecretProviderOptions
            {
                Endpoint = emulator.Endpoint,
                DefaultProject = emulator.ProjectId,
                AccessTokenProvider = _ => new ValueTask<string>(token),
                HttpHandler = emulator.CreateHandler(),
                Environment = "Development",
                PageSize = 10,
                EnvironmentLabelName = GcpSecretManagerSecretProviderOptions.DefaultEnvironmentLabelName,
                RotationValueGenerator = (_, _) => ValueTask.FromResult(SecretValue.FromText(settings.RotationValue)),
            };
            settings.Configure?.Invoke(options);
            return new GcpSecretManagerSecretProvider(options, settings.LoggerFactory, settings.MeterFactory);
        }

        public override ValueTask DisposeAsync() => emulator.DisposeAsync();
    }
}

using Azure.Core.Pipeline;
using Secrets.Client.Testing;
using Secrets.Client.Tests.Conformance;

namespace Secrets.Client.Azure.Tests.Conformance;

/// <summary>The provider conformance suite over the Key Vault emulator, through the official Azure SDK client.</summary>
public sealed class AzureConformanceTests : ProviderConformanceTests
{
    protected override async Task<ConformanceBackend> StartBackendAsync() => new AzureBackend(await AzureKeyVaultEmulator.StartAsync());

    private sealed class AzureBackend(AzureKeyVaultEmulator emulator) : ConformanceBackend
    {
        public override string ProviderName => AzureKeyVaultSecretProvider.DefaultName;

        public override EmulatorFaults Faults => emulator.Faults;

        public override EmulatorTraffic Traffic => emulator.Traffic;

        public override string ListPrefix => "main/conf-list-";

        public override string Reference(string name) => $"{ProviderName}://main/{name}";

        public override string ListedName(string name) => "main/" + name;

        public override string Seed(string name, string value) => emulator.SetSecret(name, value);

        public override IReadOnlyList<string> SeedRefusedSecrets(string canary)
        {
            emulator.SetSecret("conf-disabled", canary, enabled: false);
            emulator.SetSecret("conf-prod-tagged", canary, tags: new Dictionary<string, string> { ["environment"] = "Production" });
            emulator.SetSecret("conf-bad-pfx", canary, contentType: "application/x-pkcs12");
            return [Reference("conf-disabled"), Reference("conf-prod-tagged"), Reference("conf-bad-pfx")];
        }

        public override SecretProvider CreateProvider(ConformanceProviderSettings settings)
        {
            var options = new AzureKeyVaultSecretProviderOptions
            {
                Credential = settings.WrongCredentials ? new EmulatorTokenCredential("wrong-token") : emulator.CreateCredential(),
                ConfigureClientOptions = client =>
                {
                    client.Transport = new HttpClientTransport(emulator.CreateHandler());
                    client.DisableChallengeResourceVerification = true;
                },
                Environment = "Development",
                RotationValueGenerator = (_, _) => ValueTask.FromResult(SecretValue.FromText(settings.RotationValue)),
            };
            options.Vaults["main"] = emulator.VaultUri;
            settings.Configure?.Invoke(options);
            return new AzureKeyVaultSecretProvider(options, settings.LoggerFactory, settings.MeterFactory);
        }

        public override ValueTask DisposeAsync() => emulator.DisposeAsync();
    }
}

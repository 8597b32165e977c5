using System.Globalization;
using Secrets.Client.Testing;
using Secrets.Client.Tests.Conformance;

namespace Secrets.Client.Vault.Tests.Conformance;

/// <summary>The provider conformance suite over the Vault emulator (KV v2, Kubernetes auth).</summary>
public sealed class VaultConformanceTests : ProviderConformanceTests
{
    protected override async Task<ConformanceBackend> StartBackendAsync() => new VaultBackend(await VaultHarness.StartAsync());

    private sealed class VaultBackend(VaultHarness vault) : ConformanceBackend
    {
        private const string Mount = "secret";

        public override string ProviderName => HashiCorpVaultSecretProvider.DefaultName;

        public override EmulatorFaults Faults => vault.Emulator.Faults;

        public override EmulatorTraffic Traffic => vault.Emulator.Traffic;

        // Vault's LIST answers a folder in one response: there are no pages.
        public override bool ListsInPages => false;

        public override string ListPrefix => Mount + "/conf-list-";

        public override string Reference(string name) => $"{ProviderName}://{Mount}/{name}";

        // A plain value is stored as {"value": "..."} (as the provider writes one), so it is read with #value.
        public override string ValueReference(string name) => Reference(name) + "#value";

        public override string ListedName(string name) => Mount + "/" + name;

        public override string Seed(string name, string value) =>
            (value.StartsWith('{') ? vault.Emulator.WriteSecretJson(Mount, name, value) : vault.Emulator.WriteSecret(Mount, name, new Dictionary<string, string> { ["value"] = value }))
            .ToString(CultureInfo.InvariantCulture);

        public override IReadOnlyList<string> SeedRefusedSecrets(string canary)
        {
            Seed("conf-deleted", canary);
            vault.Emulator.DeleteVersions(Mount, "conf-deleted");
            Seed("conf-destroyed", canary);
            vault.Emulator.DestroyVersions(Mount, "conf-destroyed");
            return [ValueReference("conf-deleted"), ValueReference("conf-destroyed")];
        }

        public override SecretProvider CreateProvider(ConformanceProviderSettings settings)
        {
            var options = vault.CreateOptions(o => o.RotationValueGenerator = (_, _) => ValueTask.FromResult(SecretValue.FromText(settings.RotationValue)));
            if (settings.WrongCredentials)
            {
                var wrong = vault.JwtPath + ".wrong";
                File.WriteAllText(wrong, "not-the-service-account-jwt\n");
                options.ServiceAccountTokenPath = wrong;
            }

            settings.Configure?.Invoke(options);
            return new HashiCorpVaultSecretProvider(options, settings.LoggerFactory, settings.MeterFactory);
        }

        public override ValueTask DisposeAsync() => vault.DisposeAsync();
    }
}

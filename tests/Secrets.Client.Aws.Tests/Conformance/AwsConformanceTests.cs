using Amazon.Runtime;
using Secrets.Client.Testing;
using Secrets.Client.Tests.Conformance;

namespace Secrets.Client.Aws.Tests.Conformance;

/// <summary>The provider conformance suite over AWS Secrets Manager's emulator (SigV4-signed JSON protocol).</summary>
public sealed class AwsConformanceTests : ProviderConformanceTests
{
    protected override async Task<ConformanceBackend> StartBackendAsync() => new AwsBackend(await AwsSecretsManagerEmulator.StartAsync());

    private sealed class AwsBackend(AwsSecretsManagerEmulator emulator) : ConformanceBackend
    {
        private readonly HashSet<string> _created = [];

        public override string ProviderName => AwsSecretsManagerSecretProvider.DefaultName;

        // ListSecrets pages hold up to 100 (the adapter asks for 100).
        public override int ListedSecretCount => 120;

        public override EmulatorFaults Faults => emulator.Faults;

        public override EmulatorTraffic Traffic => emulator.Traffic;

        public override string Seed(string name, string value)
        {
            if (_created.Add(name))
            {
                emulator.CreateSecret(name, value);
                return emulator.GetVersionId(name)!;
            }

            return emulator.PutSecretValue(name, value);
        }

        public override SecretProvider CreateProvider(ConformanceProviderSettings settings)
        {
            var options = new AwsSecretsManagerSecretProviderOptions
            {
                Region = emulator.Region,
                Endpoint = emulator.Endpoint,
                Credentials = new BasicAWSCredentials(emulator.AccessKeyId, settings.WrongCredentials ? "wrong-secret-key" : emulator.SecretAccessKey),
            };
            settings.Configure?.Invoke(options);
            return new AwsSecretsManagerSecretProvider(options, settings.LoggerFactory, settings.MeterFactory);
        }

        public override ValueTask DisposeAsync() => emulator.DisposeAsync();
    }
}

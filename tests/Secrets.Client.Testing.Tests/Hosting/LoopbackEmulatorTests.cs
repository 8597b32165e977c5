using Secrets.Client.Testing;

namespace Secrets.Client.Testing.Tests.Hosting;

/// <summary>What every emulator gets from <see cref="LoopbackEmulator"/>: address, trusted handler, traffic, a description without its credential, and a stop.</summary>
public sealed class LoopbackEmulatorTests
{
    public static TheoryData<string> Kinds => ["aws", "sqs", "cloudtrail", "azure", "gcp", "pubsub", "cloudlogging", "vault"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_emulator_is_reached_through_its_handler_counts_the_request_and_stops_serving_when_disposed(string kind)
    {
        var (emulator, _, _) = await StartAsync(kind);
        var endpoint = emulator.Endpoint;
        Assert.Equal("127.0.0.1", endpoint.Host);
        Assert.Equal(kind == "azure", emulator.Certificate is not null);

        using (var client = new HttpClient(emulator.CreateHandler()))
        {
            // Any answer will do (most refuse an unsigned GET): it proves the handler trusts the emulator's certificate.
            using var response = await client.GetAsync(endpoint);
            Assert.Equal(1, emulator.Traffic.Requests);
        }

        await emulator.DisposeAsync();
        using var after = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => after.GetAsync(endpoint));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ToString_names_the_emulator_its_address_and_scope_but_never_its_credential(string kind)
    {
        var (emulator, credential, scope) = await StartAsync(kind);
        await using (emulator)
        {
            var text = emulator.ToString();
            Assert.StartsWith(emulator.GetType().Name + " " + emulator.Endpoint, text, StringComparison.Ordinal);
            if (scope is not null)
            {
                Assert.Contains(scope, text, StringComparison.Ordinal);
            }

            Assert.DoesNotContain(credential, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_aws_emulators_share_region_account_and_test_key_from_their_options()
    {
        var sqsOptions = new SqsEmulatorOptions { Region = "eu-west-1", AccountId = "210987654321", AccessKeyId = "AKIAOTHER00000000001", SecretAccessKey = "another/test/key" };
        await using var sqs = await SqsEmulator.StartAsync(sqsOptions);
        await using var trail = await CloudTrailEmulator.StartAsync(new CloudTrailEmulatorOptions { Region = "eu-west-1" });
        AwsEmulator[] emulators = [sqs, trail];
        Assert.All(emulators, e => Assert.Equal("eu-west-1", e.Region));
        Assert.Equal(("210987654321", "AKIAOTHER00000000001", "another/test/key"), (sqs.AccountId, sqs.AccessKeyId, sqs.SecretAccessKey));
        Assert.Contains("210987654321", sqs.CreateQueue("q"), StringComparison.Ordinal);
        Assert.Equal(new AwsSecretsManagerEmulatorOptions().AccessKeyId, trail.AccessKeyId);
    }

    private static async Task<(LoopbackEmulator Emulator, string Credential, string? Scope)> StartAsync(string kind)
    {
        switch (kind)
        {
            case "aws":
                var aws = await AwsSecretsManagerEmulator.StartAsync();
                return (aws, aws.SecretAccessKey, aws.Region);
            case "sqs":
                var sqs = await SqsEmulator.StartAsync();
                return (sqs, sqs.SecretAccessKey, sqs.Region);
            case "cloudtrail":
                var trail = await CloudTrailEmulator.StartAsync();
                return (trail, trail.SecretAccessKey, trail.Region);
            case "azure":
                var azure = await AzureKeyVaultEmulator.StartAsync();
                return (azure, azure.TestToken, null);
            case "gcp":
                var gcp = await GcpSecretManagerEmulator.StartAsync();
                return (gcp, gcp.TestToken, gcp.ProjectId);
            case "pubsub":
                var pubsub = await PubSubEmulator.StartAsync();
                return (pubsub, pubsub.TestToken, pubsub.ProjectId);
            case "cloudlogging":
                var logging = await CloudLoggingEmulator.StartAsync();
                return (logging, logging.AccessToken, logging.ProjectId);
            default:
                var vault = await HashiCorpVaultEmulator.StartAsync();
                return (vault, vault.RootToken, null);
        }
    }
}

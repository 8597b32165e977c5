using Secrets.Client.Testing;

namespace Secrets.Client.Testing.Tests.Hosting;

/// <summary>What every emulator gets from <see cref="LoopbackEmulator"/>: address, trusted handler, traffic, a description without its credential, and a stop.</summary>
public sealed class LoopbackEmulatorTests
{
    public static TheoryData<string> Kinds => ["aws", "sqs", "cloudtrail", "azure", "gcp", "pubsub", "cloudlogging", "vault", "doppler", "onepassword", "aws-identity", "azure-identity", "gcp-identity"];

    /// <summary>The emulators that joined the shared pipeline last: Doppler, 1Password Connect, and the identity emulators.</summary>
    public static TheoryData<string> PipelineKinds => ["doppler", "onepassword", "aws-identity", "azure-identity", "gcp-identity"];

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

    [Theory]
    [MemberData(nameof(PipelineKinds))]
    public async Task Every_emulator_answers_through_the_shared_pipeline_an_injected_throttle_with_429_and_Retry_After_then_a_server_error_then_a_dropped_connection(string kind)
    {
        var (emulator, _, _) = await StartAsync(kind);
        await using (emulator)
        {
            using var client = new HttpClient(emulator.CreateHandler());
            emulator.Faults.RetryAfter = TimeSpan.FromSeconds(3);
            emulator.Faults.ThrottleNext(1);
            using (var throttled = await client.SendAsync(Authorized(emulator)))
            {
                Assert.Equal(429, (int)throttled.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(3), throttled.Headers.RetryAfter?.Delta);
            }

            emulator.Faults.FailNext(1);
            using (var failed = await client.SendAsync(Authorized(emulator)))
            {
                Assert.InRange((int)failed.StatusCode, 500, 599);
            }

            emulator.Faults.DropNext(1);
            await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(Authorized(emulator)));
            Assert.Equal(3, emulator.Traffic.Requests);
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
            case "doppler":
                var doppler = await DopplerEmulator.StartAsync();
                return (doppler, doppler.PersonalToken, null);
            case "onepassword":
                var connect = await OnePasswordConnectEmulator.StartAsync();
                return (connect, connect.Token, null);
            case "aws-identity":
                var awsIdentity = await AwsIdentityEmulator.StartAsync();
                return (awsIdentity, awsIdentity.ContainerAuthorizationToken, null);
            case "azure-identity":
                var azureIdentity = await AzureIdentityEmulator.StartAsync();
                return (azureIdentity, azureIdentity.IdentityHeader, null);
            case "gcp-identity":
                var gcpIdentity = await GcpIdentityEmulator.StartAsync();
                return (gcpIdentity, gcpIdentity.IssueSubjectToken(), null);
            default:
                var vault = await HashiCorpVaultEmulator.StartAsync();
                return (vault, vault.RootToken, null);
        }
    }

    /// <summary>A request the emulator lets through to its faults: with the bearer token Doppler and Connect check before them.</summary>
    private static HttpRequestMessage Authorized(LoopbackEmulator emulator)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, emulator.Endpoint);
        var token = emulator switch
        {
            DopplerEmulator doppler => doppler.PersonalToken,
            OnePasswordConnectEmulator connect => connect.Token,
            _ => null,
        };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return request;
    }
}

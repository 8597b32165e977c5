using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;
using static Secrets.Client.Identity.Tests.ProbeTestSupport;

namespace Secrets.Client.Identity.Tests;

/// <summary>
/// The AWS adapter authenticates through the SDK's unmodified default chain, pointed at the loopback identity emulator
/// only by the variables AWS documents for each platform: EKS IRSA (web identity), ECS/EKS Pod Identity (container
/// credentials) and EC2 (IMDSv2). Credentials expire by the emulators' clock; the SDK's clock follows through
/// AWSConfigs.ManualClockCorrection, so the expiry is crossed without waiting.
/// </summary>
public sealed class AwsIdentityTests
{
    private const string Region = "eu-west-1";
    private static readonly TimeSpan PastFirstExpiry = TimeSpan.FromMinutes(61);

    [Fact]
    public async Task Web_identity_reads_as_the_assumed_role_and_rolls_past_expiry()
    {
        await using var rig = await AwsRig.StartAsync();
        var tokenFile = WriteTempFile("token", rig.Identity.IssueWebIdentityToken());
        var principal = rig.Identity.AssumedRoleArn("app", "app-pod");
        await using var probe = rig.StartProbe(new()
        {
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile,
            ["AWS_ROLE_ARN"] = rig.Identity.RoleArn("app"),
            ["AWS_ROLE_SESSION_NAME"] = "app-pod",
        });

        await rig.AssertReadsAndRollsAsync(probe, principal, "AssumeRoleWithWebIdentity", () => File.WriteAllText(tokenFile, rig.Identity.IssueWebIdentityToken()));
    }

    [Fact]
    public async Task Container_credentials_read_as_the_task_role_and_roll_past_expiry()
    {
        await using var rig = await AwsRig.StartAsync();
        var tokenFile = WriteTempFile("ecs-token", rig.Identity.ContainerAuthorizationToken);
        await using var probe = rig.StartProbe(new()
        {
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = rig.Identity.ContainerCredentialsUri,
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = tokenFile,
        });

        await rig.AssertReadsAndRollsAsync(probe, rig.Identity.ContainerPrincipal, "container credentials", refreshPlatformToken: null);
    }

    [Fact]
    public async Task Instance_metadata_v2_reads_as_the_instance_role_and_rolls_past_expiry()
    {
        await using var rig = await AwsRig.StartAsync();
        await using var probe = rig.StartProbe(new() { ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = rig.Identity.InstanceMetadataEndpoint });

        await rig.AssertReadsAndRollsAsync(probe, rig.Identity.InstancePrincipal!, "IMDS role credentials", refreshPlatformToken: null);
        Assert.Contains(rig.Identity.Requests, call => call.Operation == "IMDS session token" && call.Succeeded);
        Assert.DoesNotContain(rig.Identity.Requests, call => call.Operation == "IMDS read" && !call.Succeeded);
    }

    [Fact]
    public async Task Missing_web_identity_token_file_is_named()
    {
        await using var rig = await AwsRig.StartAsync();
        await using var probe = rig.StartProbe(new()
        {
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "token"),
            ["AWS_ROLE_ARN"] = rig.Identity.RoleArn("app"),
        });

        var answer = await probe.ReadAsync(AwsRig.Reference);

        AssertRefused(answer, "web identity token file missing");
        Assert.Equal(0, rig.Cloud.Traffic.Count("GetSecretValue"));
        AssertNoneLeaked(await probe.StopAsync(), rig.Secrets);
    }

    [Fact]
    public async Task Revoked_role_is_named_as_refused_by_sts()
    {
        await using var rig = await AwsRig.StartAsync();
        rig.Identity.RevokeRole("app");
        var tokenFile = WriteTempFile("token", rig.Identity.IssueWebIdentityToken());
        await using var probe = rig.StartProbe(new()
        {
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile,
            ["AWS_ROLE_ARN"] = rig.Identity.RoleArn("app"),
        });

        var answer = await probe.ReadAsync(AwsRig.Reference);

        AssertRefused(answer, "STS AssumeRoleWithWebIdentity refused the web identity token: AccessDenied");
        AssertNoneLeaked(await probe.StopAsync(), rig.Secrets);
    }

    [Fact]
    public async Task Missing_container_authorization_token_file_is_named()
    {
        await using var rig = await AwsRig.StartAsync();
        await using var probe = rig.StartProbe(new()
        {
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = rig.Identity.ContainerCredentialsUri,
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "token"),
        });

        var answer = await probe.ReadAsync(AwsRig.Reference);

        AssertRefused(answer, "container authorization token file missing");
        AssertNoneLeaked(await probe.StopAsync(), rig.Secrets);
    }

    [Fact]
    public async Task Unreachable_instance_metadata_is_named()
    {
        await using var rig = await AwsRig.StartAsync();
        await using var probe = rig.StartProbe(new() { ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:9" });

        var answer = await probe.ReadAsync(AwsRig.Reference);

        AssertRefused(answer, "IMDS");
        Assert.Equal(0, rig.Cloud.Traffic.Requests);
    }

    [Fact]
    public async Task Production_role_in_development_is_refused_before_any_secret_request()
    {
        await using var rig = await AwsRig.StartAsync();
        var tokenFile = WriteTempFile("token", rig.Identity.IssueWebIdentityToken());
        await using var probe = rig.StartProbe(
            new()
            {
                ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile,
                ["AWS_ROLE_ARN"] = rig.Identity.RoleArn("prod-app"),
                ["AWS_ROLE_SESSION_NAME"] = "dev-laptop",
            },
            "environment=Development",
            $"production-identity=arn:aws:sts::{rig.Identity.AccountId}:assumed-role/prod-*");

        var answer = await probe.ReadAsync(AwsRig.Reference);

        Assert.False(answer.Ok);
        Assert.Equal("SecretEnvironmentScopeException", answer.Type);
        Assert.Contains(rig.Identity.AssumedRoleArn("prod-app", "dev-laptop"), answer.Message, StringComparison.Ordinal);
        Assert.Equal(0, rig.Cloud.Traffic.Requests);
        Assert.Contains(rig.Identity.Requests, call => call.Operation == "GetCallerIdentity" && call.Succeeded);
        AssertNoneLeaked(await probe.StopAsync(), rig.Secrets);
    }

    internal static void AssertRefused(ProbeAnswer answer, string link)
    {
        Assert.False(answer.Ok, "The read succeeded: " + answer);
        Assert.Equal("SecretAccessDeniedException", answer.Type);
        Assert.Contains(link, answer.Message, StringComparison.Ordinal);
    }

    /// <summary>The identity emulator, the Secrets Manager emulator that accepts only what it issued, and one canary secret.</summary>
    private sealed class AwsRig : IAsyncDisposable
    {
        public const string Reference = "aws-sm://app/db";

        private AwsRig(FakeTimeProvider clock, AwsIdentityEmulator identity, AwsSecretsManagerEmulator cloud, string canary)
        {
            Clock = clock;
            Identity = identity;
            Cloud = cloud;
            Canary = canary;
        }

        public FakeTimeProvider Clock { get; }

        public AwsIdentityEmulator Identity { get; }

        public AwsSecretsManagerEmulator Cloud { get; }

        public string Canary { get; }

        public IEnumerable<string> Secrets => [.. Identity.IssuedSecrets(), Canary];

        public static async Task<AwsRig> StartAsync()
        {
            // The emulators' clock starts at the real time (signatures carry it) and only moves when the test says so.
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var identity = await AwsIdentityEmulator.StartAsync(new AwsIdentityEmulatorOptions { TimeProvider = clock });
            var cloud = await AwsSecretsManagerEmulator.StartAsync(new AwsSecretsManagerEmulatorOptions { TimeProvider = clock, Region = Region, Authenticator = identity.Authenticate });
            var canary = NewCanary();
            cloud.CreateSecret("app/db", canary);
            return new AwsRig(clock, identity, cloud, canary);
        }

        /// <summary>Starts the app with the platform's variables, the region and STS endpoint every AWS SDK reads, and nothing else.</summary>
        public IdentityProbe StartProbe(Dictionary<string, string> platform, params string[] settings)
        {
            platform["AWS_REGION"] = Region;
            platform["AWS_ENDPOINT_URL_STS"] = Identity.StsEndpoint;
            return IdentityProbe.Start("aws", platform, [$"endpoint={Cloud.Endpoint}", .. settings]);
        }

        public async Task AssertReadsAndRollsAsync(IdentityProbe probe, string principal, string issuingOperation, Action? refreshPlatformToken)
        {
            var first = await probe.ReadAsync(Reference);
            Assert.True(first.Ok, first + string.Join("\n", Identity.Requests));
            Assert.Equal(Sha256(Canary), first.Sha256);
            Assert.Equal(principal, first.Identity);
            Assert.Equal(principal, first.Audit);
            Assert.Equal([principal], Cloud.Traffic.Principals);
            var issuedBefore = Identity.Requests.Count(call => call.Operation == issuingOperation && call.Succeeded);

            // Past the first credentials' expiry for the emulators and for the SDK: the cloud emulator now refuses them.
            Clock.Advance(PastFirstExpiry);
            refreshPlatformToken?.Invoke();
            Assert.True((await probe.MoveAwsClockAsync(PastFirstExpiry)).Ok);

            var second = await probe.ReadAsync(Reference);
            Assert.True(second.Ok, second.ToString());
            Assert.Equal(Sha256(Canary), second.Sha256);
            Assert.Equal(principal, second.Audit);
            Assert.True(Identity.Requests.Count(call => call.Operation == issuingOperation && call.Succeeded) > issuedBefore, "No new credentials were issued after the first expired.");
            Assert.DoesNotContain(Identity.Requests, call => call.Operation == "authenticate" && !call.Succeeded);
            Assert.Equal(2, Cloud.Traffic.Count("GetSecretValue"));
            AssertNoneLeaked(await probe.StopAsync(), Secrets);
        }

        public async ValueTask DisposeAsync()
        {
            await Cloud.DisposeAsync();
            await Identity.DisposeAsync();
        }
    }
}

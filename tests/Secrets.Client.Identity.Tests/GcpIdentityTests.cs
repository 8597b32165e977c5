using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;
using static Secrets.Client.Identity.Tests.ProbeTestSupport;

namespace Secrets.Client.Identity.Tests;

/// <summary>
/// The GCP adapter authenticates through Google's unmodified Application Default Credentials, pointed at the loopback
/// identity emulator only by what Google documents: <c>GCE_METADATA_HOST</c> (GCE, GKE, Cloud Run) and an
/// <c>external_account</c> file in <c>GOOGLE_APPLICATION_CREDENTIALS</c> (workload identity federation). Tokens live four
/// minutes, inside the library's five-minute expiry window, so it fetches a fresh one before every use and the test
/// crosses the first token's expiry by moving only the emulators' clock.
/// </summary>
public sealed class GcpIdentityTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Metadata_server_reads_as_the_instance_service_account_and_rolls_past_expiry()
    {
        await using var rig = await GcpRig.StartAsync();
        await using var probe = rig.StartProbe(new() { ["GCE_METADATA_HOST"] = rig.Identity.MetadataHost });

        await rig.AssertReadsAndRollsAsync(probe, rig.Identity.ServiceAccountEmail, "metadata token", refreshPlatformToken: null);
    }

    [Fact]
    public async Task Workload_identity_federation_reads_as_the_impersonated_service_account_and_rolls_past_expiry()
    {
        await using var rig = await GcpRig.StartAsync();
        var subjectTokenFile = WriteTempFile("oidc-token", rig.Identity.IssueSubjectToken());
        var configuration = WriteTempFile("credential-configuration.json", rig.Identity.CreateExternalAccountJson(subjectTokenFile));
        await using var probe = rig.StartProbe(new() { ["GOOGLE_APPLICATION_CREDENTIALS"] = configuration });

        await rig.AssertReadsAndRollsAsync(probe, rig.Identity.ServiceAccountEmail, "generateAccessToken", () => File.WriteAllText(subjectTokenFile, rig.Identity.IssueSubjectToken()));
        Assert.Contains(rig.Identity.Requests, call => call.Operation == "STS token exchange" && call.Principal == rig.Identity.FederatedPrincipal("system:serviceaccount:default:app"));
    }

    [Fact]
    public async Task Unreachable_metadata_server_is_named()
    {
        await using var rig = await GcpRig.StartAsync();
        await using var probe = rig.StartProbe(new() { ["GCE_METADATA_HOST"] = "127.0.0.1:9" });

        var answer = await probe.ReadAsync(GcpRig.Reference);

        AwsIdentityTests.AssertRefused(answer, "the metadata server at '127.0.0.1:9' (GCE_METADATA_HOST) is unreachable");
        Assert.Equal(0, rig.Cloud.Traffic.Requests);
    }

    [Fact]
    public async Task Missing_subject_token_file_is_named()
    {
        await using var rig = await GcpRig.StartAsync();
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "oidc-token");
        var configuration = WriteTempFile("credential-configuration.json", rig.Identity.CreateExternalAccountJson(missing));
        await using var probe = rig.StartProbe(new() { ["GOOGLE_APPLICATION_CREDENTIALS"] = configuration });

        var answer = await probe.ReadAsync(GcpRig.Reference);

        AwsIdentityTests.AssertRefused(answer, "subject token file is missing");
        Assert.Equal(0, rig.Cloud.Traffic.Requests);
        AssertNoneLeaked(await probe.StopAsync(), rig.Secrets);
    }

    [Fact]
    public async Task Revoked_federated_principal_is_named_as_refused_by_the_token_service()
    {
        await using var rig = await GcpRig.StartAsync();
        rig.Identity.Revoke(rig.Identity.FederatedPrincipal("system:serviceaccount:default:app"));
        var subjectTokenFile = WriteTempFile("oidc-token", rig.Identity.IssueSubjectToken());
        var configuration = WriteTempFile("credential-configuration.json", rig.Identity.CreateExternalAccountJson(subjectTokenFile));
        await using var probe = rig.StartProbe(new() { ["GOOGLE_APPLICATION_CREDENTIALS"] = configuration });

        var answer = await probe.ReadAsync(GcpRig.Reference);

        AwsIdentityTests.AssertRefused(answer, "refused the token request: invalid_grant");
        AssertNoneLeaked(await probe.StopAsync(), rig.Secrets);
    }

    [Fact]
    public async Task Production_service_account_in_development_is_refused_before_any_secret_request()
    {
        await using var rig = await GcpRig.StartAsync();
        await using var probe = rig.StartProbe(
            new() { ["GCE_METADATA_HOST"] = rig.Identity.MetadataHost },
            "environment=Development",
            "production-identity=*@emulator-project.iam.gserviceaccount.com");

        var answer = await probe.ReadAsync(GcpRig.Reference);

        Assert.False(answer.Ok);
        Assert.Equal("SecretEnvironmentScopeException", answer.Type);
        Assert.Contains(rig.Identity.ServiceAccountEmail, answer.Message, StringComparison.Ordinal);
        Assert.Equal(0, rig.Cloud.Traffic.Requests);
        AssertNoneLeaked(await probe.StopAsync(), rig.Secrets);
    }

    /// <summary>The identity emulator, the Secret Manager emulator that accepts only what it issued, and one canary secret.</summary>
    private sealed class GcpRig : IAsyncDisposable
    {
        public const string Reference = "gcp-sm://app-db";

        private GcpRig(FakeTimeProvider clock, GcpIdentityEmulator identity, GcpSecretManagerEmulator cloud, string canary)
        {
            Clock = clock;
            Identity = identity;
            Cloud = cloud;
            Canary = canary;
        }

        public FakeTimeProvider Clock { get; }

        public GcpIdentityEmulator Identity { get; }

        public GcpSecretManagerEmulator Cloud { get; }

        public string Canary { get; }

        public IEnumerable<string> Secrets => [.. Identity.IssuedSecrets(), Canary];

        public static async Task<GcpRig> StartAsync()
        {
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var identity = await GcpIdentityEmulator.StartAsync(new GcpIdentityEmulatorOptions { TimeProvider = clock, CredentialLifetime = Lifetime });
            var cloud = await GcpSecretManagerEmulator.StartAsync(new GcpSecretManagerEmulatorOptions { TimeProvider = clock, Authenticator = identity.Authenticate });
            var canary = NewCanary();
            cloud.AddVersion("app-db", canary);
            return new GcpRig(clock, identity, cloud, canary);
        }

        public IdentityProbe StartProbe(Dictionary<string, string> platform, params string[] settings) =>
            IdentityProbe.Start("gcp", platform, [$"endpoint={Cloud.Endpoint}", $"project={Cloud.ProjectId}", .. settings]);

        public async Task AssertReadsAndRollsAsync(IdentityProbe probe, string principal, string issuingOperation, Action? refreshPlatformToken)
        {
            var first = await probe.ReadAsync(Reference);
            Assert.True(first.Ok, first + string.Join("\n", Identity.Requests));
            Assert.Equal(Sha256(Canary), first.Sha256);
            Assert.Equal(principal, first.Identity);
            Assert.Equal(principal, first.Audit);
            Assert.Equal([principal], Cloud.Traffic.Principals);
            var issuedBefore = Identity.Requests.Count(call => call.Operation == issuingOperation && call.Succeeded);

            // Past the first token's expiry: the Secret Manager emulator now refuses it.
            Clock.Advance(Lifetime + TimeSpan.FromSeconds(1));
            refreshPlatformToken?.Invoke();

            var second = await probe.ReadAsync(Reference);
            Assert.True(second.Ok, second + string.Join("\n", Identity.Requests));
            Assert.Equal(Sha256(Canary), second.Sha256);
            Assert.Equal(principal, second.Audit);
            Assert.True(Identity.Requests.Count(call => call.Operation == issuingOperation && call.Succeeded) > issuedBefore, "No new token was issued after the first expired.");
            Assert.DoesNotContain(Identity.Requests, call => call.Operation == "authenticate" && !call.Succeeded);
            AssertNoneLeaked(await probe.StopAsync(), Secrets);
        }

        public async ValueTask DisposeAsync()
        {
            await Cloud.DisposeAsync();
            await Identity.DisposeAsync();
        }
    }
}

using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;
using static Secrets.Client.Identity.Tests.ProbeTestSupport;

namespace Secrets.Client.Identity.Tests;

/// <summary>
/// The Azure adapter authenticates through <c>Azure.Identity</c>, unmodified, pointed at the loopback identity emulator
/// only by what Microsoft documents: <c>IDENTITY_ENDPOINT</c> + <c>IDENTITY_HEADER</c> (App Service, Functions, Container
/// Apps), <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c> (IMDS) and, for workload identity,
/// <c>AZURE_AUTHORITY_HOST</c> + <c>AZURE_TENANT_ID</c> + <c>AZURE_CLIENT_ID</c> + <c>AZURE_FEDERATED_TOKEN_FILE</c>.
/// The Key Vault emulator accepts only the tokens the identity emulator issued and records their <c>oid</c>.
/// </summary>
/// <remarks>
/// Crossing a token's expiry: Azure.Core and MSAL judge expiry by the process clock, which a test cannot move, so the
/// emulators issue one-minute tokens (under both libraries' five-minute refresh margins, so the unmodified chain asks
/// for a new token on every refresh check) and only the emulators' clock moves, past the first token's expiry for the vault.
/// </remarks>
public sealed class AzureIdentityTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task App_Service_managed_identity_reads_as_its_object_id()
    {
        await using var rig = await AzureRig.StartAsync();
        await using var probe = rig.StartProbe(new()
        {
            ["IDENTITY_ENDPOINT"] = rig.Identity.ManagedIdentityEndpoint.ToString(),
            ["IDENTITY_HEADER"] = rig.Identity.IdentityHeader,
        });

        await rig.AssertReadsAsync(probe, rig.Identity.SystemAssignedIdentity.ObjectId);
    }

    [Fact]
    public async Task A_managed_identity_token_that_expired_at_the_vault_is_replaced_and_the_next_read_succeeds()
    {
        await using var rig = await AzureRig.StartAsync();
        await using var probe = rig.StartProbe(new()
        {
            ["IDENTITY_ENDPOINT"] = rig.Identity.ManagedIdentityEndpoint.ToString(),
            ["IDENTITY_HEADER"] = rig.Identity.IdentityHeader,
        });

        await rig.AssertCrossesExpiryAsync(probe, rig.Identity.SystemAssignedIdentity.ObjectId);
    }

    [Fact]
    public async Task A_workload_identity_token_that_expired_at_the_vault_is_replaced_and_the_next_read_succeeds()
    {
        await using var rig = await AzureRig.StartAsync();
        var application = rig.Identity.AddWorkloadIdentity("app");
        await using var probe = await rig.StartWorkloadIdentityProbeAsync(application);

        await rig.AssertCrossesExpiryAsync(probe, application.ObjectId);
    }

    [Fact]
    public async Task IMDS_managed_identity_reads_as_its_object_id_through_DefaultAzureCredential()
    {
        await using var rig = await AzureRig.StartAsync();
        // A VM's environment: no variable at all, IMDS at 169.254.169.254. MSAL (4.90, ImdsManagedIdentitySource) reads
        // AZURE_POD_IDENTITY_AUTHORITY_HOST for another IMDS address. AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential is
        // what Azure.Identity documents for production: DefaultAzureCredential then holds only ManagedIdentityCredential,
        // built without the chained credential's one-second IMDS probe (DefaultAzureCredentialFactory.CreateSpecificCredentialChain),
        // so a loaded machine cannot make the probe give up.
        await using var probe = rig.StartProbe(new()
        {
            ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = rig.Identity.ImdsEndpoint,
            ["AZURE_TOKEN_CREDENTIALS"] = "ManagedIdentityCredential",
        });

        await rig.AssertReadsAsync(probe, rig.Identity.SystemAssignedIdentity.ObjectId);
        Assert.Contains(rig.Identity.Requests, call => call.Operation == "IMDS token" && call.Succeeded);
    }

    [Fact]
    public async Task Workload_identity_reads_as_the_application_object_id()
    {
        await using var rig = await AzureRig.StartAsync();
        var application = rig.Identity.AddWorkloadIdentity("app");
        await using var probe = await rig.StartWorkloadIdentityProbeAsync(application);

        await rig.AssertReadsAsync(probe, application.ObjectId);
    }

    [Fact]
    public async Task A_managed_identity_endpoint_that_refuses_the_header_is_named_and_nothing_leaks()
    {
        await using var rig = await AzureRig.StartAsync();
        await using var probe = rig.StartProbe(new()
        {
            ["IDENTITY_ENDPOINT"] = rig.Identity.ManagedIdentityEndpoint.ToString(),
            ["IDENTITY_HEADER"] = "not-the-identity-header",
        });

        var answer = await probe.ReadAsync(AzureRig.Reference);

        Assert.False(answer.Ok, "The read succeeded: " + answer);
        Assert.Contains("ManagedIdentityCredential", answer.Message, StringComparison.Ordinal);
        Assert.Equal(0, rig.Cloud.Counters.ValueReads);
        AssertNoneLeaked(await probe.StopAsync(), rig.Secrets);
    }

    [Fact]
    public async Task A_production_managed_identity_in_development_is_refused_before_any_secret_request()
    {
        await using var rig = await AzureRig.StartAsync();
        await using var probe = rig.StartProbe(
            new()
            {
                ["IDENTITY_ENDPOINT"] = rig.Identity.ManagedIdentityEndpoint.ToString(),
                ["IDENTITY_HEADER"] = rig.Identity.IdentityHeader,
            },
            "environment=Development",
            $"production-identity={rig.Identity.SystemAssignedIdentity.ObjectId}");

        var answer = await probe.ReadAsync(AzureRig.Reference);

        Assert.False(answer.Ok);
        Assert.Equal("SecretEnvironmentScopeException", answer.Type);
        Assert.Contains(rig.Identity.SystemAssignedIdentity.ObjectId, answer.Message, StringComparison.Ordinal);
        Assert.Equal(0, rig.Cloud.Traffic.Requests);
        AssertNoneLeaked(await probe.StopAsync(), rig.Secrets);
    }

    /// <summary>The identity emulator, the Key Vault emulator that accepts only what it issued, and one canary secret.</summary>
    private sealed class AzureRig : IAsyncDisposable
    {
        public const string Reference = "azure-kv://main/app-db";

        private AzureRig(FakeTimeProvider clock, AzureIdentityEmulator identity, AzureKeyVaultEmulator cloud, string canary, string vaultCertificate)
        {
            Clock = clock;
            Identity = identity;
            Cloud = cloud;
            Canary = canary;
            VaultCertificate = vaultCertificate;
        }

        public FakeTimeProvider Clock { get; }

        public AzureIdentityEmulator Identity { get; }

        public AzureKeyVaultEmulator Cloud { get; }

        public string Canary { get; }

        public string VaultCertificate { get; }

        public IEnumerable<string> Secrets => [.. Identity.IssuedSecrets(), Canary];

        public static async Task<AzureRig> StartAsync()
        {
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var identity = await AzureIdentityEmulator.StartAsync(new AzureIdentityEmulatorOptions { TimeProvider = clock, CredentialLifetime = Lifetime });
            var cloud = await AzureKeyVaultEmulator.StartAsync(new AzureKeyVaultEmulatorOptions { TimeProvider = clock, Authenticator = identity.Authenticate, TenantId = identity.TenantId });
            var canary = NewCanary();
            cloud.SetSecret("app-db", canary);
            var certificate = WriteTempFile("vault.cer", string.Empty);
            await File.WriteAllBytesAsync(certificate, cloud.Certificate.Export(X509ContentType.Cert));
            return new AzureRig(clock, identity, cloud, canary, certificate);
        }

        public async Task<IdentityProbe> StartWorkloadIdentityProbeAsync(AzureEmulatedIdentity application)
        {
            var tokenFile = WriteTempFile("azure-identity-token", Identity.IssueFederatedToken());
            var authorityCertificate = WriteTempFile("authority.cer", string.Empty);
            await File.WriteAllBytesAsync(authorityCertificate, Identity.AuthorityCertificate.Export(X509ContentType.Cert));
            return StartProbe(
                new()
                {
                    ["AZURE_AUTHORITY_HOST"] = Identity.AuthorityHost.ToString(),
                    ["AZURE_TENANT_ID"] = Identity.TenantId,
                    ["AZURE_CLIENT_ID"] = application.ClientId,
                    ["AZURE_FEDERATED_TOKEN_FILE"] = tokenFile,
                },
                $"authority-certificate={authorityCertificate}");
        }

        /// <summary>
        /// Reads, lets the token pass half its life, reads (Azure.Core then refreshes in the background), waits for the new
        /// token, lets the first one expire for the vault, and reads again: only the new token can succeed.
        /// </summary>
        public async Task AssertCrossesExpiryAsync(IdentityProbe probe, string objectId)
        {
            var first = await probe.ReadAsync(Reference);
            Assert.True(first.Ok, first + string.Join("\n", Identity.Requests));
            var issued = Identity.Requests.Count(AzureIdentityEmulator.IsTokenIssuance);

            // The emulators' clock moves, not the process's: half the one-minute token's life later it is still good at the
            // vault. Its lifetime is under Azure.Core's five-minute refresh offset (AccessTokenCache: RefreshOn = ExpiresOn - 5
            // min when the credential gives no RefreshOn) and MSAL's five-minute expiry buffer, so this read is sent with it
            // while Azure.Core asks the credential for a new one in the background, and MSAL asks the emulator, not its cache.
            Clock.Advance(Lifetime / 2);
            var second = await probe.ReadAsync(Reference);
            Assert.True(second.Ok, second + string.Join("\n", Identity.Requests));
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await Identity.WhenTokensIssuedAsync(issued + 1, timeout.Token);
            }

            // Now the first token has expired for the vault and the second has not: the read succeeds only with the new one.
            Clock.Advance((Lifetime / 2) + TimeSpan.FromSeconds(1));
            var third = await probe.ReadAsync(Reference);

            Assert.True(third.Ok, third + string.Join("\n", Identity.Requests));
            Assert.Equal(Sha256(Canary), third.Sha256);
            Assert.Equal(objectId, third.Audit);
            Assert.Equal([objectId], Cloud.Traffic.Principals);
            AssertNoneLeaked(await probe.StopAsync(), Secrets);
        }

        public IdentityProbe StartProbe(Dictionary<string, string> platform, params string[] settings) =>
            IdentityProbe.Start("azure", platform, [$"vault={Cloud.VaultUri}", $"vault-certificate={VaultCertificate}", .. settings]);

        public async Task AssertReadsAsync(IdentityProbe probe, string objectId)
        {
            var first = await probe.ReadAsync(Reference);
            Assert.True(first.Ok, first + string.Join("\n", Identity.Requests));
            Assert.Equal(Sha256(Canary), first.Sha256);
            Assert.Equal(objectId, first.Identity);
            Assert.Equal(objectId, first.Audit);
            Assert.Equal([objectId], Cloud.Traffic.Principals);

            // A second read (a new token or the cached one, as Azure.Core decides) still reads as the same principal.
            var second = await probe.ReadAsync(Reference);
            Assert.True(second.Ok, second + string.Join("\n", Identity.Requests));
            Assert.Equal(objectId, second.Audit);
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

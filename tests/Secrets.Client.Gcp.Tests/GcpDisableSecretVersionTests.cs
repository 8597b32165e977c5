using Secrets.Client.Testing;

namespace Secrets.Client.Gcp.Tests;

/// <summary>Disabling a version on the Secret Manager emulator: <c>versions/N:disable</c>, then the version is not served.</summary>
public sealed class GcpDisableSecretVersionTests : IAsyncLifetime
{
    private const string Canary = "CANARY-5c1d0e-gcp-disable";
    private GcpHarness _gcp = null!;

    public async Task InitializeAsync() => _gcp = await GcpHarness.StartAsync();

    public async Task DisposeAsync() => await _gcp.DisposeAsync();

    [Fact]
    public async Task The_version_is_disabled_at_the_backend_its_cached_value_dropped_and_the_rotation_window_skips_it()
    {
        _gcp.Emulator.AddVersion("leak-db", Canary + "-1");
        _gcp.Emulator.AddVersion("leak-db", Canary + "-2");
        var audit = new RecordingAuditSink();
        var provider = _gcp.CreateProvider();
        await using var store = new SecretStore([provider], new SecretStoreOptions { Environment = "Development" }, auditSink: audit);
        var pinned = new SecretReference("gcp-sm", "leak-db", "1");
        Assert.NotNull((await store.GetRotationWindowAsync(new SecretReference("gcp-sm", "leak-db"))).Previous);

        await store.DisableSecretVersionAsync(pinned);
        await store.DisableSecretVersionAsync(pinned); // already disabled: still fine, so a retry is harmless

        var state = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetPropertiesAsync(pinned).AsTask());
        Assert.Equal("SecretVersionDisabled", state.ErrorCode);
        var refused = await Assert.ThrowsAsync<SecretNotFoundException>(() => store.GetSecretAsync(pinned).AsTask());
        Assert.Equal("SecretVersionDisabled", refused.ErrorCode);
        Assert.Equal("2", (await store.GetSecretPropertiesAsync(new SecretReference("gcp-sm", "leak-db"))).Version);
        Assert.Null((await store.GetRotationWindowAsync(new SecretReference("gcp-sm", "leak-db"))).Previous);
        Assert.Equal(2, audit.Records.Count(r => r.Kind == SecretAccessKind.Disable && r.Outcome == SecretAuditOutcome.Success && r.Version == "1"));
        Assert.DoesNotContain(Canary, refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_labelled_for_another_environment_is_refused_and_its_version_stays_enabled()
    {
        _gcp.Emulator.AddVersion("prod-db", "v1");
        _gcp.Emulator.SetLabels("prod-db", new Dictionary<string, string> { ["environment"] = "production" });
        var provider = _gcp.CreateProvider(o => o.EnvironmentLabelName = "environment");
        await using var store = new SecretStore([provider], new SecretStoreOptions { Environment = "Development" });

        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => store.DisableSecretVersionAsync(new SecretReference("gcp-sm", "prod-db", "1")).AsTask());

        _gcp.Emulator.SetLabels("prod-db", new Dictionary<string, string>());
        Assert.Equal("1", (await provider.GetPropertiesAsync(new SecretReference("gcp-sm", "prod-db", "1"))).Version);
    }

    [Fact]
    public async Task An_unknown_version_is_not_found()
    {
        _gcp.Emulator.AddVersion("some-db", "v1");
        await using var store = new SecretStore([_gcp.CreateProvider()], new SecretStoreOptions { Environment = "Development" });

        await Assert.ThrowsAsync<SecretNotFoundException>(() => store.DisableSecretVersionAsync(new SecretReference("gcp-sm", "some-db", "9")).AsTask());
    }
}

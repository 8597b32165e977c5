namespace Secrets.Client.Azure.Tests;

/// <summary>Disabling a version on the Key Vault emulator: <c>enabled</c> set to false, as the official client then reads it.</summary>
public sealed class AzureDisableSecretVersionTests : IAsyncLifetime
{
    private const string Canary = "CANARY-2b7e15-azure-disable";
    private KeyVaultHarness _vault = null!;

    public async Task InitializeAsync() => _vault = await KeyVaultHarness.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task The_version_is_disabled_at_the_backend_its_cached_value_dropped_and_the_rotation_window_skips_it()
    {
        var leaked = _vault.Emulator.SetSecret("leak-db", Canary + "-1");
        var current = _vault.Emulator.SetSecret("leak-db", Canary + "-2");
        var audit = new RecordingAuditSink();
        await using var store = new SecretStore([_vault.CreateProvider()], new SecretStoreOptions { Environment = "Development" }, auditSink: audit);
        var pinned = new SecretReference("azure-kv", "main/leak-db", leaked);
        using (var held = await store.GetSecretAsync(pinned))
        {
            Assert.Equal(leaked, held.Properties.Version);
        }

        await store.DisableSecretVersionAsync(pinned);

        var versions = new Dictionary<string, bool?>();
        await foreach (var version in _vault.CreateClient().GetPropertiesOfSecretVersionsAsync("leak-db"))
        {
            versions[version.Version] = version.Enabled;
        }

        Assert.Equal(false, versions[leaked]);
        Assert.Equal(true, versions[current]);
        var refused = await Assert.ThrowsAsync<SecretNotFoundException>(() => store.GetSecretAsync(pinned).AsTask());
        Assert.Equal("SecretDisabled", refused.ErrorCode);
        Assert.Null((await store.GetRotationWindowAsync(new SecretReference("azure-kv", "main/leak-db"))).Previous);
        Assert.Contains(audit.Records, r => r.Kind == SecretAccessKind.Disable && r.Outcome == SecretAuditOutcome.Success && r.Version == leaked);
        Assert.DoesNotContain(Canary, refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_tagged_for_another_environment_is_refused_and_stays_enabled()
    {
        var tagged = _vault.Emulator.SetSecret("prod-db", "v1", tags: new Dictionary<string, string> { ["environment"] = "Production" });
        await using var store = new SecretStore([_vault.CreateProvider()], new SecretStoreOptions { Environment = "Development" });

        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => store.DisableSecretVersionAsync(new SecretReference("azure-kv", "main/prod-db", tagged)).AsTask());

        var properties = await _vault.CreateClient().GetSecretAsync("prod-db", tagged);
        Assert.True(properties.Value.Properties.Enabled);
    }

    [Fact]
    public async Task An_unknown_version_is_not_found()
    {
        _vault.Emulator.SetSecret("some-db", "v1");
        await using var store = new SecretStore([_vault.CreateProvider()], new SecretStoreOptions { Environment = "Development" });

        await Assert.ThrowsAsync<SecretNotFoundException>(() => store.DisableSecretVersionAsync(new SecretReference("azure-kv", "main/some-db", "0123456789abcdef0123456789abcdef")).AsTask());
    }
}

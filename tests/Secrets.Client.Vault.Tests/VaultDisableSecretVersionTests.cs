using System.Text;

namespace Secrets.Client.Vault.Tests;

/// <summary>Disabling a version on the Vault emulator: a KV v2 soft delete of that version, which undelete reverses.</summary>
public sealed class VaultDisableSecretVersionTests : IAsyncLifetime
{
    private const string Canary = "CANARY-9e4a21-vault-disable";
    private VaultHarness _vault = null!;

    public async Task InitializeAsync() => _vault = await VaultHarness.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task The_version_is_soft_deleted_its_cached_value_dropped_and_the_rotation_window_skips_it()
    {
        _vault.Emulator.WriteSecret("secret", "leak/db", new Dictionary<string, string> { ["password"] = Canary + "-1" });
        _vault.Emulator.WriteSecret("secret", "leak/db", new Dictionary<string, string> { ["password"] = Canary + "-2" });
        var audit = new RecordingAuditSink();
        var provider = _vault.CreateProvider();
        await using var store = new SecretStore([provider], new SecretStoreOptions { Environment = "Development" }, auditSink: audit);
        var pinned = new SecretReference("vault", "secret/leak/db", "1");
        using (var held = await store.GetSecretAsync(pinned))
        {
            Assert.Equal("1", held.Properties.Version);
        }

        await store.DisableSecretVersionAsync(pinned);

        var deleted = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(pinned).AsTask());
        Assert.Equal("SecretDeleted", deleted.ErrorCode);
        var refused = await Assert.ThrowsAsync<SecretNotFoundException>(() => store.GetSecretAsync(pinned).AsTask());
        Assert.Equal("SecretDeleted", refused.ErrorCode);
        var window = await store.GetRotationWindowAsync(new SecretReference("vault", "secret/leak/db"));
        Assert.Equal("2", window.Current.Properties.Version);
        Assert.Null(window.Previous);
        Assert.Contains(audit.Records, r => r.Kind == SecretAccessKind.Disable && r.Outcome == SecretAuditOutcome.Success && r.Version == "1");
        Assert.DoesNotContain(Canary, refused.ToString(), StringComparison.Ordinal);

        // Soft: Vault's undelete brings the version back, unlike destroy.
        using var http = new HttpClient();
        using var undelete = new HttpRequestMessage(HttpMethod.Post, new Uri(_vault.Emulator.Address, "v1/secret/undelete/leak/db"))
        {
            Content = new StringContent("{\"versions\":[1]}", Encoding.UTF8, "application/json"),
        };
        undelete.Headers.Add("X-Vault-Token", _vault.Emulator.RootToken);
        (await http.SendAsync(undelete)).EnsureSuccessStatusCode();
        using var restored = await provider.GetSecretAsync(pinned);
        Assert.Equal("1", restored.Properties.Version);
    }

    [Fact]
    public async Task A_version_that_is_not_a_positive_number_is_an_invalid_reference()
    {
        _vault.Emulator.WriteSecret("secret", "other/db", new Dictionary<string, string> { ["password"] = "v1" });
        await using var store = new SecretStore([_vault.CreateProvider()], new SecretStoreOptions { Environment = "Development" });

        await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => store.DisableSecretVersionAsync(new SecretReference("vault", "secret/other/db", "latest")).AsTask());
    }
}

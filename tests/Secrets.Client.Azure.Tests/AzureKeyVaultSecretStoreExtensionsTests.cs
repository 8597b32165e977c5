using System.Collections.Concurrent;

namespace Secrets.Client.Azure.Tests;

/// <summary>The Key Vault bulk load goes through the store: scoped before any request, audited, error-mapped.</summary>
public sealed class AzureKeyVaultSecretStoreExtensionsTests : IAsyncLifetime
{
    private KeyVaultHarness _vault = null!;

    public async Task InitializeAsync() => _vault = await KeyVaultHarness.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task The_load_is_one_audited_fetch_of_the_prefix()
    {
        _vault.Emulator.SetSecret("app--one", "1");
        _vault.Emulator.SetSecret("app--two", "2");
        var audit = new RecordingSink();
        await using var store = new SecretStore([_vault.CreateProvider()], new SecretStoreOptions { Environment = "Development" }, auditSink: audit);

        var results = await store.LoadSecretsAsync("azure-kv", "main/app--");

        Assert.Equal(["1", "2"], results.Select(r => r.Secret!.Value.ExposeAsString()).Order());
        results.ToList().ForEach(r => r.Secret!.Dispose());
        var record = Assert.Single(audit.Records);
        Assert.Equal((SecretAccessKind.Fetch, SecretAuditOutcome.Success, "main/app--*"), (record.Kind, record.Outcome, record.SecretName));
    }

    [Fact]
    public async Task A_provider_limited_to_Production_is_refused_in_Development_before_any_request()
    {
        _vault.Emulator.SetSecret("app--one", "1");
        var audit = new RecordingSink();
        await using var store = new SecretStore([_vault.CreateProvider(o => o.AllowedEnvironments.Add("Production"))], new SecretStoreOptions { Environment = "Development" }, auditSink: audit);

        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => store.LoadSecretsAsync("azure-kv", "main/app--").AsTask());

        Assert.Equal(0, _vault.Emulator.Traffic.Requests);
        Assert.Contains(audit.Records, r => r.Outcome != SecretAuditOutcome.Success);
    }

    [Fact]
    public async Task A_failed_listing_is_mapped_and_audited()
    {
        _vault.Emulator.Faults.FailNext(10);
        var audit = new RecordingSink();
        await using var store = new SecretStore(
            [_vault.CreateProvider(o => o.Resilience.MaxRetryAttempts = 0)],
            new SecretStoreOptions { Environment = "Development" },
            auditSink: audit);

        await Assert.ThrowsAsync<SecretUnavailableException>(() => store.LoadSecretsAsync("azure-kv").AsTask());

        Assert.Contains(audit.Records, r => r.ErrorType == nameof(SecretUnavailableException));
    }

    private sealed class RecordingSink : ISecretAuditSink
    {
        private readonly ConcurrentQueue<SecretAuditRecord> _records = new();

        public IReadOnlyCollection<SecretAuditRecord> Records => _records;

        public void Record(in SecretAuditRecord record) => _records.Enqueue(record);
    }
}

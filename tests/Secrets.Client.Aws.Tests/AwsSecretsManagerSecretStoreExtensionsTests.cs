using System.Collections.Concurrent;
using Secrets.Client.Testing;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

/// <summary>The AWS-only operations go through the store: scoped before any request, audited, error-mapped.</summary>
public sealed class AwsSecretsManagerSecretStoreExtensionsTests
{
    [Fact]
    public async Task Version_listing_and_filtered_listing_are_audited_with_the_provider_identity()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("audited/db", "v1");
        emulator.PutSecretValue("audited/db", "v2");
        var audit = new RecordingSink();
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" }, auditSink: audit);

        var versions = await store.ListSecretVersionsAsync(Ref("audited/db"));
        var listed = await store.ListSecretsByFilterAsync("aws-sm", [AwsSecretFilter.NamePrefix("audited/")]);

        Assert.Equal(2, versions.Count);
        Assert.Equal(["audited/db"], listed.Select(p => p.Name));
        Assert.Contains(audit.Records, r => r.Kind == SecretAccessKind.Metadata && r.SecretName == "audited/db" && r.Outcome == SecretAuditOutcome.Success && r.Provider == "aws-sm");
        Assert.Contains(audit.Records, r => r.Kind == SecretAccessKind.List && r.Outcome == SecretAuditOutcome.Success && r.Provider == "aws-sm");
        Assert.All(audit.Records, r => Assert.Equal(emulator.AccessKeyId, r.Identity));
    }

    [Fact]
    public async Task A_reference_scoped_to_Production_is_refused_in_Development_before_any_request_and_audited()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("scoped/db", "v1");
        var audit = new RecordingSink();
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" }, auditSink: audit);

        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => store.ListSecretVersionsAsync(SecretReference.Parse("aws-sm://scoped/db?env=Production")).AsTask());

        Assert.Equal(0, emulator.GetRequestCount("ListSecretVersionIds"));
        Assert.Contains(audit.Records, r => r.SecretName == "scoped/db" && r.Outcome != SecretAuditOutcome.Success);
    }

    [Fact]
    public async Task A_provider_limited_to_Production_refuses_the_filtered_listing_in_Development()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        await using var store = new SecretStore([CreateProvider(emulator, o => o.AllowedEnvironments.Add("Production"))], new SecretStoreOptions { Environment = "Development" });

        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => store.ListSecretsByFilterAsync("aws-sm", []).AsTask());

        Assert.Equal(0, emulator.GetRequestCount("ListSecrets"));
    }

    [Fact]
    public async Task Backend_errors_come_back_mapped_and_audited()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        var audit = new RecordingSink();
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" }, auditSink: audit);

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => store.ListSecretVersionsAsync(Ref("missing/db")).AsTask());

        Assert.Equal("aws-sm", error.Provider);
        Assert.Contains(audit.Records, r => r.SecretName == "missing/db" && r.ErrorType == nameof(SecretNotFoundException));
    }

    [Fact]
    public async Task Another_kind_of_provider_is_refused_by_name()
    {
        await using var store = new SecretStore([new InMemorySecretProvider(new InMemorySecretProviderOptions { Name = "mem" })], new SecretStoreOptions { Environment = "Development" });

        var error = await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => store.ListSecretsByFilterAsync("mem", []).AsTask());

        Assert.Contains(nameof(AwsSecretsManagerSecretProvider), error.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingSink : ISecretAuditSink
    {
        private readonly ConcurrentQueue<SecretAuditRecord> _records = new();

        public IReadOnlyCollection<SecretAuditRecord> Records => _records;

        public void Record(in SecretAuditRecord record) => _records.Enqueue(record);
    }
}

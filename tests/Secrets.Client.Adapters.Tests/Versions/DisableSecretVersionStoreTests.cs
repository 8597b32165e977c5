using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Secrets.Client.Gcp;
using Secrets.Client.Local;
using Secrets.Client.Testing;

namespace Secrets.Client.Adapters.Tests.Versions;

/// <summary>
/// <see cref="SecretStore.DisableSecretVersionAsync"/> as the store runs it: audited, the cached value of that version
/// dropped (and only that one), a typed error for a provider that keeps no versions, and never a value in any output.
/// </summary>
public sealed class DisableSecretVersionStoreTests
{
    private const string Canary = "CANARY-0d9f3b-store-disable";

    [Fact]
    public async Task The_call_is_audited_drops_only_the_cached_value_of_that_version_and_puts_no_value_in_any_output()
    {
        await using var gcp = await GcpSecretManagerEmulator.StartAsync();
        gcp.AddVersion("db", Canary + "-1");
        gcp.AddVersion("db", Canary + "-2");
        var logs = new FakeLogCollector();
        using var logging = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        var token = gcp.TestToken;
        var provider = new GcpSecretManagerSecretProvider(
            new GcpSecretManagerSecretProviderOptions
            {
                Endpoint = gcp.Endpoint, DefaultProject = gcp.ProjectId, AccessTokenProvider = _ => new ValueTask<string>(token), HttpHandler = gcp.CreateHandler(), Environment = "Development",
            },
            logging);
        var audit = new RecordingAuditSink();
        await using var store = new SecretStore([provider], new SecretStoreOptions { Environment = "Development" }, loggerFactory: logging, auditSink: audit);
        var changes = new List<SecretChangedEventArgs>();
        store.SecretChanged += (_, e) => changes.Add(e);
        var pinned = SecretReference.Parse("gcp-sm://db?version=1");
        (await store.GetSecretAsync(pinned)).Dispose();
        (await store.GetSecretAsync("gcp-sm://db")).Dispose();
        Assert.Equal(2, store.CachedCount);

        await store.DisableSecretVersionAsync(pinned);

        Assert.Equal(1, store.CachedCount); // the current version (2) stays cached
        var invalidated = Assert.Single(changes);
        Assert.Equal((SecretChangeKind.Invalidated, "1"), (invalidated.Kind, invalidated.Reference.Version));
        var record = Assert.Single(audit.Records, r => r.Kind == SecretAccessKind.Disable);
        Assert.Equal((SecretAuditOutcome.Success, "gcp-sm", "db", "1"), (record.Outcome, record.Provider, record.SecretName, record.Version));
        var refused = await Assert.ThrowsAsync<SecretNotFoundException>(() => store.GetSecretAsync(pinned).AsTask());
        Assert.Contains(logs.GetSnapshot(), l => l.Message.Contains("disabled version 1 of secret db", StringComparison.Ordinal));

        var output = string.Join("\n", [
            .. logs.GetSnapshot().Select(l => l.Message + l.Exception),
            .. audit.Records.Select(r => JsonSerializer.Serialize(r)),
            .. changes.Select(c => c.ToString() + c.Properties),
            refused.ToString(),
        ]);
        Assert.DoesNotContain(Canary, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_that_keeps_no_versions_gives_the_typed_error_audited_as_a_failure()
    {
        await using var memory = new InMemorySecretProvider(new InMemorySecretProviderOptions { Name = "mem" });
        memory.Set("db", Canary);
        var environment = new EnvironmentVariablesSecretProvider(new EnvironmentVariablesSecretProviderOptions { Environment = "Development" });
        var audit = new RecordingAuditSink();
        await using var store = new SecretStore([memory, environment], new SecretStoreOptions { Environment = "Development" }, auditSink: audit);

        foreach (var reference in new[] { SecretReference.Parse("mem://db?version=1"), SecretReference.Parse("env://PATH?version=1") })
        {
            var provider = store.Providers.Single(p => p.Name == reference.Provider);
            Assert.False(provider.SupportsVersionDisabling);

            var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.DisableSecretVersionAsync(reference).AsTask());

            Assert.IsType<NotSupportedException>(error.InnerException);
            Assert.Equal(reference.Provider, error.Provider);
            Assert.Contains($"'{reference.Provider}' cannot disable secret versions", error.Message, StringComparison.Ordinal);
            Assert.Contains(audit.Records, r => r.Kind == SecretAccessKind.Disable && r.Provider == reference.Provider && r.Outcome != SecretAuditOutcome.Success);
        }

        Assert.DoesNotContain(Canary, string.Join("\n", audit.Records.Select(r => JsonSerializer.Serialize(r))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reference_without_a_version_is_refused_before_the_provider_is_called()
    {
        await using var memory = new InMemorySecretProvider(new InMemorySecretProviderOptions { Name = "mem" });
        await using var store = new SecretStore([memory], new SecretStoreOptions { Environment = "Development" });

        var error = await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => store.DisableSecretVersionAsync(SecretReference.Parse("mem://db")).AsTask());

        Assert.Contains("version", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, memory.TotalCalls);
    }
}

namespace Secrets.Client.Tests.Operations;

public class ProviderOperationsTests
{
    [Fact]
    public async Task A_provider_specific_call_is_scoped_retried_mapped_and_audited()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "1");
        var attempts = 0;

        var calls = await f.Store.InvokeProviderAsync<ScriptedSecretProvider, int>(
            ScriptedStoreFixture.Ref("db"),
            SecretAccessKind.Metadata,
            (provider, reference, _) => ++attempts == 1 ? throw new HttpRequestException("reset") : ValueTask.FromResult(provider.Calls("get")),
            default);

        Assert.Equal((0, 2), (calls, attempts));
        Assert.Contains(f.Audit.Records, r => r.Kind == SecretAccessKind.Metadata && r.Outcome == SecretAuditOutcome.Success);
        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => f.Store.InvokeProviderAsync<ScriptedSecretProvider, int>(
            ScriptedStoreFixture.Ref("db"), SecretAccessKind.Metadata, (_, _, _) => throw new IOException("down"), default).AsTask());
        Assert.Equal("db", error.SecretName);
        Assert.Contains(f.Audit.Records, r => r.Kind == SecretAccessKind.Metadata && r.Outcome == SecretAuditOutcome.Unavailable);
    }

    [Fact]
    public async Task A_provider_specific_call_for_another_provider_type_is_an_invalid_reference()
    {
        await using var f = new ScriptedStoreFixture();

        await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => f.Store.InvokeProviderAsync<Secrets.Client.Testing.InMemorySecretProvider, int>(
            ScriptedStoreFixture.Ref("db"), SecretAccessKind.Metadata, (_, _, _) => ValueTask.FromResult(1), default).AsTask());
    }

    [Fact]
    public async Task Options_are_snapshotted_when_the_store_is_built()
    {
        var options = new SecretStoreOptions { Environment = "Test", CacheDuration = TimeSpan.FromMinutes(1) };
        await using var store = new SecretStore([new Secrets.Client.Testing.InMemorySecretProvider()], options);
        options.CacheDuration = TimeSpan.FromDays(1);
        store.Options.CacheDuration = TimeSpan.FromDays(2);

        Assert.Equal(TimeSpan.FromMinutes(1), store.Options.CacheDuration);
    }
}

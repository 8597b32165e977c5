namespace Secrets.Client.Tests.Routing;

public class SecretRouterTests
{
    [Fact]
    public async Task A_reference_out_of_scope_is_refused_and_audited_before_any_call_on_every_operation()
    {
        await using var f = new ScriptedStoreFixture();
        var scoped = SecretReference.Parse("fake://db?env=Production");

        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => f.Store.GetSecretAsync(scoped).AsTask());
        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => f.Store.GetSecretPropertiesAsync(scoped).AsTask());
        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => f.Store.RotateSecretAsync(scoped).AsTask());
        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => f.Store.InvokeProviderAsync<ScriptedSecretProvider, int>(scoped, SecretAccessKind.Metadata, (_, _, _) => ValueTask.FromResult(1)).AsTask());
        var bulk = await f.Store.GetSecretsAsync([scoped]);

        Assert.IsType<SecretEnvironmentScopeException>(bulk[0].Error);
        Assert.Equal(0, f.Provider.Calls("get") + f.Provider.Calls("properties"));
        Assert.Equal(5, f.Audit.Records.Count(r => r.Outcome == SecretAuditOutcome.AccessDenied));
    }
}

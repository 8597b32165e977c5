using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Secrets.Client.Hosting;

namespace Secrets.Client.Tests.Hosting;

public class SecretStoreHealthCheckTests
{
    [Fact]
    public async Task Unhealthy_when_a_named_required_secret_cannot_be_served_even_with_nothing_cached()
    {
        await using var f = new StoreFixture();
        var check = Check(f.Store, "memory://missing");

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("memory://missing (SecretNotFoundException)", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Degraded_while_serving_stale_and_healthy_once_the_provider_is_back()
    {
        await using var f = new StoreFixture();
        f.Provider.Set("db", Canary.Value);
        var check = Check(f.Store, "memory://db");
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);

        f.Provider.Faults.FailNext(1000);
        f.Time.Advance(TimeSpan.FromMinutes(6)); // past expiry, within MaxStaleness: the last good value is served stale
        await f.Store.GetSecretAsync("memory://db");
        await Eventually.TrueAsync(() => f.Store.StaleCount == 1, "the value is served stale");
        var degraded = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Canary.AssertAbsent(degraded.Description);

        f.Provider.Faults.Reset();
        f.Time.Advance(f.Options.FailedRefreshRetryInterval);
        await f.Store.GetSecretAsync("memory://db");
        await Eventually.TrueAsync(() => f.Store.StaleCount == 0, "the refresh succeeded");
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
    }

    [Fact]
    public async Task Without_named_secrets_the_watched_ones_are_probed()
    {
        await using var f = new StoreFixture();
        f.Provider.Set("db", Canary.Value);
        _ = f.Store.GetChangeToken(SecretReference.Parse("memory://db"));
        var check = new SecretStoreHealthCheck(f.Store);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);

        f.Provider.Delete("db");
        f.Store.Invalidate(SecretReference.Parse("memory://db"));

        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
    }

    private static SecretStoreHealthCheck Check(SecretStore store, params string[] required)
    {
        var options = new SecretStoreHealthCheckOptions();
        foreach (var reference in required)
        {
            options.Secrets.Add(SecretReference.Parse(reference));
        }

        return new SecretStoreHealthCheck(store, Options.Create(options));
    }
}

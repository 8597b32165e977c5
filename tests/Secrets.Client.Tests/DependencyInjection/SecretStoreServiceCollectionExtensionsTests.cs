using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Tests.DependencyInjection;

public class SecretStoreServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddSecretStore_registers_a_store_scoped_to_the_host_environment()
    {
        var provider = new InMemorySecretProvider();
        provider.Set("db", Canary.Value);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Staging" });
        builder.Services.AddSecretStore(secrets => secrets.AddProvider(provider));
        using var host = builder.Build();

        var store = host.Services.GetRequiredService<ISecretStore>();
        var secret = await store.GetSecretAsync("memory://db");

        Assert.Same(host.Services.GetRequiredService<SecretStore>(), store);
        Assert.Equal("Staging", ((SecretStore)store).Environment);
        Assert.Equal(Canary.Value, secret.Value.ExposeAsString());
        Assert.IsType<LoggerSecretAuditSink>(host.Services.GetRequiredService<ISecretAuditSink>());
    }

    [Fact]
    public async Task Calling_AddSecretStore_twice_adds_providers_to_one_store()
    {
        var first = new InMemorySecretProvider(new InMemorySecretProviderOptions { Name = "first" });
        var second = new InMemorySecretProvider(new InMemorySecretProviderOptions { Name = "second" });
        first.Set("a", "1");
        second.Set("b", "2");
        var services = new ServiceCollection().AddLogging();
        services.AddSecretStore(secrets => secrets.AddProvider(first));
        services.AddSecretStore(secrets => secrets.AddProvider(_ => second), options => options.Environment = "Test");
        await using var container = services.BuildServiceProvider();

        var store = container.GetRequiredService<SecretStore>();

        Assert.Equal("1", (await store.GetSecretAsync("first://a")).Value.ExposeAsString());
        Assert.Equal("2", (await store.GetSecretAsync("second://b")).Value.ExposeAsString());
        Assert.Single(container.GetServices<IHostedService>().OfType<Secrets.Client.Hosting.SecretRefreshService>());
    }

    [Fact]
    public async Task The_store_resolves_without_logging_registered()
    {
        var provider = new InMemorySecretProvider();
        provider.Set("a", "1");
        var services = new ServiceCollection();
        services.AddSecretStore(secrets => secrets.AddProvider(provider));
        await using var container = services.BuildServiceProvider();

        var secret = await container.GetRequiredService<ISecretStore>().GetSecretAsync("memory://a");

        Assert.Equal("1", secret.Value.ExposeAsString());
    }

    [Fact]
    public async Task The_hosted_service_refreshes_due_secrets_so_rotation_is_seen_without_reads()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var provider = new InMemorySecretProvider(new InMemorySecretProviderOptions { TimeProvider = time });
        provider.Set("db", Canary.Value);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSecretStore(secrets => secrets.AddProvider(provider), options => options.Randomizer = () => 0);
        using var host = builder.Build();
        await host.StartAsync();
        var store = host.Services.GetRequiredService<SecretStore>();
        await store.GetSecretAsync("memory://db");
        var changed = new TaskCompletionSource<SecretChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.SecretChanged += (_, args) => changed.TrySetResult(args);

        provider.Set("db", Canary.Rotated);
        // One background interval at a time; each run happens on the thread pool, so give it the chance to finish
        // (under load a run can still be going when the next tick comes) before moving the clock again.
        for (var i = 0; i < 40 && !changed.Task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(changed.Task, Task.Delay(50));
        }

        var args = await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("2", args.Properties.Version);
        Assert.Equal(Canary.Rotated, (await store.GetSecretAsync("memory://db")).Value.ExposeAsString());
        await host.StopAsync();
    }

    [Fact]
    public async Task The_health_check_is_degraded_while_serving_stale_values()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var providerOptions = new InMemorySecretProviderOptions { TimeProvider = time };
        providerOptions.Resilience.RetryBaseDelay = TimeSpan.Zero;
        var provider = new InMemorySecretProvider(providerOptions);
        provider.Set("db", Canary.Value);
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(time);
        services.AddSecretStore(secrets => secrets.AddProvider(provider));
        await using var container = services.BuildServiceProvider();
        var store = container.GetRequiredService<SecretStore>();
        var health = container.GetRequiredService<HealthCheckService>();
        await store.GetSecretAsync("memory://db");

        var healthy = await health.CheckHealthAsync();
        provider.Faults.FailNext(1_000);
        time.Advance(TimeSpan.FromMinutes(6));
        await store.GetSecretAsync("memory://db");
        var degraded = await health.CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal(1, degraded.Entries["secrets"].Data["stale"]);
        Canary.AssertAbsent(degraded.Entries["secrets"].Description);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Secrets.Client.Testing;

namespace Secrets.Client.Azure.Events.Tests;

/// <summary>The listener registered with DI starts and stops with the host, reports health and counts on the listener meter.</summary>
public sealed class AzureKeyVaultEventsServiceCollectionExtensionsTests : IAsyncLifetime
{
    private AzuriteProcess _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task The_queue_listener_runs_with_the_host_reports_health_and_counts_events()
    {
        var (queue, addUri) = await EventsHarness.CreateQueueAsync(_azurite);
        await using var harness = await EventsHarness.StartAsync([new KeyVaultEventSink(addUri, KeyVaultEventSinkKind.StorageQueue)]);
        harness.Emulator.SetSecret("db-password", "canary-az-h-1");
        var first = await harness.Store.GetSecretAsync("azure-kv://main/db-password");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSecretStore(harness.Store);
        builder.Services.AddAzureKeyVaultStorageQueueListener(o =>
        {
            o.ConnectionString = _azurite.ConnectionString;
            o.QueueName = queue.Name;
            o.PollInterval = TimeSpan.FromMilliseconds(50);
        });
        using var host = builder.Build();
        using var received = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "Secrets.Client.Listeners", "secrets.listener.events.applied");
        var listener = host.Services.GetRequiredService<AzureStorageQueueSecretChangeListener>();

        await host.StartAsync();
        await listener.WaitForStatusAsync(s => s.Connected, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var changed = harness.NextChangeAsync("main/db-password", first.Properties.Version);
        harness.Emulator.SetSecret("db-password", "canary-az-h-2");
        await changed.WaitAsync(TimeSpan.FromSeconds(30));
        await host.StopAsync();

        Assert.Equal(HealthStatus.Healthy, health.Entries["secrets-azure-storage-queue"].Status);
        Assert.Contains(received.GetMeasurementSnapshot(), m => m.Value == 1 && Equals(m.Tags["secrets.source"], AzureStorageQueueSecretChangeListener.SourceName));
    }

    [Theory]
    [InlineData(null, 5 * 60, 48 * 3600)] // the listener default: the store's 5-minute cache becomes the 48 h safety net
    [InlineData(null, 72 * 3600, 72 * 3600)] // never lowered
    [InlineData(-1, 5 * 60, 5 * 60)] // SafetyNetInterval null: the store keeps its own
    [InlineData(6 * 3600, 5 * 60, 6 * 3600)]
    public void Registering_a_listener_makes_the_store_cache_duration_its_safety_net(int? safetyNetSeconds, int cacheSeconds, int expectedSeconds)
    {
        var services = new ServiceCollection();
        services.Configure<SecretStoreOptions>(o => o.CacheDuration = TimeSpan.FromSeconds(cacheSeconds));
        services.AddAzureKeyVaultStorageQueueListener(o =>
        {
            o.ConnectionString = "UseDevelopmentStorage=true";
            o.QueueName = "q";
            if (safetyNetSeconds is { } seconds)
            {
                o.SafetyNetInterval = seconds < 0 ? null : TimeSpan.FromSeconds(seconds);
            }
        });
        using var provider = services.BuildServiceProvider();

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), provider.GetRequiredService<IOptions<SecretStoreOptions>>().Value.CacheDuration);
    }
}

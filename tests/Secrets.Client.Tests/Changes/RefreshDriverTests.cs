using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Tests.Changes;

public class RefreshDriverTests
{
    [Fact]
    public async Task With_the_hosted_service_and_configuration_both_active_each_due_secret_is_checked_once_per_interval()
    {
        const int Count = 8;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var provider = new InMemorySecretProvider(new InMemorySecretProviderOptions { TimeProvider = time, MaxBatchSize = 1 });
        for (var i = 0; i < Count; i++)
        {
            provider.Set($"s{i}", $"v{i}");
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSecretStore(secrets => secrets.AddProvider(provider), options => options.Randomizer = () => 0);
        using var host = builder.Build();
        await host.StartAsync();
        var store = host.Services.GetRequiredService<SecretStore>();
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddSecrets(store, source =>
            {
                source.TimeProvider = time;
                for (var i = 0; i < Count; i++)
                {
                    source.Add($"memory://s{i}");
                }
            })
            .Build();
        Assert.Equal(Count, store.WatchedCount);
        provider.ResetCounters();

        // Due after 5 min x 0.8 = 240 s; the one driver ticks every 30 s. Two refresh cycles: exactly two checks each.
        for (var cycle = 1; cycle <= 2; cycle++)
        {
            for (var step = 0; step < 8; step++)
            {
                time.Advance(TimeSpan.FromSeconds(30));
            }

            await Eventually.TrueAsync(() => provider.GetPropertiesCalls >= cycle * Count, $"cycle {cycle} checked every secret");
        }

        time.Advance(TimeSpan.FromSeconds(30)); // nothing is due: no further check
        await host.StopAsync();
        Assert.Equal(2 * Count, provider.GetPropertiesCalls);
        Assert.Equal(0, provider.GetSecretCalls + provider.BatchCalls); // versions unchanged: no value fetched again
    }
}

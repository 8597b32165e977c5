using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Tests.Memory;

public sealed class SecretMemoryMetricsTests
{
    [Fact]
    public void Live_values_and_mapped_bytes_are_reported_by_protection_tier()
    {
        var pool = new SecretMemoryPool(useMemfdSecret: true, requireLockedMemory: false);
        using var meter = new Meter("test.memory");
        SecretMemoryMetrics.Register(meter, pool);
        using var values = new MetricCollector<long>(meter, "secrets.client.memory.values");
        using var size = new MetricCollector<long>(meter, "secrets.client.memory.size");
        var held = Enumerable.Range(0, 3).Select(_ => SecretValue.FromBytes(new byte[32], pool)).ToList();
        var tier = SecretMemoryUsage.TierOf(held[0].Protection);

        values.RecordObservableInstruments();
        size.RecordObservableInstruments();

        Assert.Equal(3, Latest(values, tier));
        Assert.True(Latest(size, tier) >= 3 * 32);
        Assert.All(SecretMemoryUsage.Tiers.Where(t => t != tier), other => Assert.Equal(0, Latest(values, other)));
        held.ForEach(v => v.Dispose());
        values.RecordObservableInstruments();
        Assert.Equal(0, Latest(values, tier));
    }

    [Fact]
    public async Task The_store_publishes_them_on_its_meter()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        using var values = new MetricCollector<long>(meterFactory, "Secrets.Client", "secrets.client.memory.values");
        var provider = new InMemorySecretProvider();
        provider.Set("db", Canary.Value);
        await using var store = new SecretStore([provider], new SecretStoreOptions(), meterFactory: meterFactory);
        var secret = await store.GetSecretAsync(SecretReference.Parse("memory://db"));

        values.RecordObservableInstruments();

        var tier = SecretMemoryUsage.TierOf(secret.Value.Protection);
        Assert.True(Latest(values, tier) >= 1);
    }

    private static long Latest(MetricCollector<long> collector, string tier) =>
        collector.GetMeasurementSnapshot().Last(m => Equals(m.Tags[SecretMemoryMetrics.ProtectionTag], tier)).Value;
}

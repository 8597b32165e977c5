using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Tests;

/// <summary>A store over a <see cref="ScriptedSecretProvider"/> named <c>fake</c>, a fake clock, audit records and metrics.</summary>
internal sealed class ScriptedStoreFixture : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public ScriptedStoreFixture(Action<SecretStoreOptions>? configure = null, Action<SecretProviderOptions>? configureProvider = null, int batchSize = 1)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        var providerOptions = new SecretProviderOptions();
        providerOptions.Resilience.RetryBaseDelay = TimeSpan.Zero;
        providerOptions.Resilience.EnableCircuitBreaker = false;
        configureProvider?.Invoke(providerOptions);
        Provider = new ScriptedSecretProvider(Time, providerOptions, batchSize: batchSize);
        var options = new SecretStoreOptions { Environment = "Development", EvictionGracePeriod = TimeSpan.Zero, Randomizer = () => 0.5 };
        configure?.Invoke(options);
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        MeterFactory = _services.GetRequiredService<IMeterFactory>();
        Store = new SecretStore([Provider], options, Time, null, Audit, MeterFactory);
    }

    public FakeTimeProvider Time { get; }

    public ScriptedSecretProvider Provider { get; }

    public SecretStore Store { get; }

    public RecordingAuditSink Audit { get; } = new();

    public IMeterFactory MeterFactory { get; }

    public static SecretReference Ref(string name) => SecretReference.Parse("fake://" + name);

    public MetricCollector<long> Collect(string instrument) => new(MeterFactory, "Secrets.Client", instrument);

    public async Task<string> ReadTextAsync(string name, CancellationToken cancellationToken = default)
    {
        var secret = await Store.GetSecretAsync(Ref(name), cancellationToken);
        return secret.Value.ExposeAsString();
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await _services.DisposeAsync();
    }
}

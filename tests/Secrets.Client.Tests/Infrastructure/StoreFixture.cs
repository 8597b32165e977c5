using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;
using System.Diagnostics.Metrics;

namespace Secrets.Client.Tests;

/// <summary>A store over an in-memory provider with a fake clock, captured logs, audit records and metrics.</summary>
internal sealed class StoreFixture : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public StoreFixture(Action<SecretStoreOptions>? configure = null, Action<InMemorySecretProviderOptions>? configureProvider = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        var providerOptions = new InMemorySecretProviderOptions { TimeProvider = Time };
        providerOptions.Resilience.RetryBaseDelay = TimeSpan.Zero;
        providerOptions.Resilience.EnableCircuitBreaker = false;
        configureProvider?.Invoke(providerOptions);
        Provider = new InMemorySecretProvider(providerOptions);
        Options = new SecretStoreOptions { Environment = "Development", EvictionGracePeriod = TimeSpan.Zero, Randomizer = () => 0.5 };
        configure?.Invoke(Options);
        Logs = new FakeLogCollector();
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        MeterFactory = _services.GetRequiredService<IMeterFactory>();
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
        Store = new SecretStore([Provider], Options, Time, LoggerFactory, Audit, MeterFactory);
    }

    public FakeTimeProvider Time { get; }

    public InMemorySecretProvider Provider { get; }

    public SecretStoreOptions Options { get; }

    public SecretStore Store { get; }

    public RecordingAuditSink Audit { get; } = new();

    public FakeLogCollector Logs { get; }

    public ILoggerFactory LoggerFactory { get; }

    public IMeterFactory MeterFactory { get; }

    public MetricCollector<long> Collect(string instrument) => new(MeterFactory, "Secrets.Client", instrument);

    public string AllLogText() => string.Join('\n', Logs.GetSnapshot().Select(record => record.Message + " " + string.Join(";", record.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? [])));

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        LoggerFactory.Dispose();
        await _services.DisposeAsync();
    }
}

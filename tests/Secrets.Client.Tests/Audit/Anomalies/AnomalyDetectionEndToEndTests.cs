using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Tests.Audit.Anomalies;

/// <summary>Anomaly detection behind a real <see cref="SecretStore"/> over an in-memory provider and a fake clock.</summary>
public sealed class AnomalyDetectionEndToEndTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(AnomalyFixture.MondayMorning);
    private readonly FakeLogCollector _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricCollector<long> _counter;
    private readonly InMemorySecretProvider _provider;
    private readonly AnomalyDetectingAuditSink _sink;
    private readonly SecretStore _store;
    private readonly List<SecretAnomaly> _anomalies = [];

    public AnomalyDetectionEndToEndTests()
        : this(LogLevel.Trace)
    {
    }

    private AnomalyDetectionEndToEndTests(LogLevel minimumLevel)
    {
        _loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(minimumLevel).AddProvider(new FakeLoggerProvider(_logs)));
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        _counter = new MetricCollector<long>(meterFactory, "Secrets.Client", AnomalyDetectingAuditSink.CounterName);
        var providerOptions = new InMemorySecretProviderOptions { TimeProvider = _time };
        providerOptions.Resilience.RetryBaseDelay = TimeSpan.Zero;
        providerOptions.Resilience.EnableCircuitBreaker = false;
        _provider = new InMemorySecretProvider(providerOptions);
        _provider.Set("db", Canary.Value);
        _provider.Set("json", Canary.Json);
        _sink = new AnomalyDetectingAuditSink(
            new LoggerSecretAuditSink(_loggerFactory),
            new SecretAnomalyOptions { LearningPeriod = TimeSpan.FromHours(1) },
            _time,
            _loggerFactory,
            meterFactory: meterFactory);
        _sink.AnomalyDetected += (_, anomaly) =>
        {
            lock (_anomalies)
            {
                _anomalies.Add(anomaly);
            }
        };
        _store = new SecretStore(
            [_provider],
            new SecretStoreOptions { Environment = "Production", EvictionGracePeriod = TimeSpan.Zero, Randomizer = () => 0.5 },
            _time,
            _loggerFactory,
            _sink,
            meterFactory);
    }

    [Fact]
    public async Task Cached_reads_during_working_hours_raise_nothing()
    {
        for (var i = 0; i < 500; i++)
        {
            await _store.GetSecretAsync("memory://db");
            await _store.GetSecretAsync("memory://json#password");
        }

        _time.Advance(TimeSpan.FromHours(3)); // past learning
        _store.Invalidate(SecretReference.Parse("memory://db"));
        _store.Invalidate(SecretReference.Parse("memory://json"));
        var fetchesBefore = _provider.GetSecretCalls;
        await _store.GetSecretAsync("memory://db");
        await _store.GetSecretAsync("memory://json#password");

        Assert.Equal(fetchesBefore + 2, _provider.GetSecretCalls); // analysed fetches, by the learned accessors
        Assert.Empty(_anomalies);
        Assert.Empty(_counter.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task A_weekend_fetch_is_flagged_with_who_what_and_where_but_never_the_value()
    {
        await _store.GetSecretAsync("memory://db");
        _time.Advance(TimeSpan.FromDays(5)); // Saturday 09:00 UTC

        var secret = await _store.GetSecretAsync("memory://db");
        await _store.GetSecretAsync("memory://db"); // a cache hit: not analysed

        Assert.Equal(Canary.Value, secret.Value.ExposeAsString());
        var anomaly = Assert.Single(_anomalies);
        Assert.Equal(SecretAnomalyKind.OffHours, anomaly.Kind);
        Assert.Equal(("memory", "db", SecretAccessKind.Fetch), (anomaly.Record.Provider, anomaly.Record.SecretName, anomaly.Record.Kind));
        Assert.Equal(_provider.Identity, anomaly.Record.Identity);
        Assert.Equal(Environment.MachineName, anomaly.Record.Host);
        Assert.Equal(Environment.UserName, anomaly.Record.User);
        Assert.Equal(_time.GetUtcNow(), anomaly.Record.Timestamp);
        Assert.Contains("Saturday", anomaly.Description, StringComparison.Ordinal);
        Assert.Equal(1, _counter.GetMeasurementSnapshot().Single(measurement => (string?)measurement.Tags["kind"] == "OffHours").Value);
        AssertNoCanary();
    }

    [Fact]
    public async Task Probing_for_missing_secrets_is_flagged()
    {
        for (var i = 0; i < 6; i++)
        {
            await Assert.ThrowsAsync<SecretNotFoundException>(async () => await _store.GetSecretAsync($"memory://guess-{i}"));
        }

        var anomaly = Assert.Single(_anomalies);
        Assert.Equal(SecretAnomalyKind.RepeatedFailures, anomaly.Kind);
        Assert.Equal("guess-5", anomaly.Record.SecretName);
        Assert.Equal(SecretAuditOutcome.NotFound, anomaly.Record.Outcome);
        AssertNoCanary();
    }

    [Fact]
    public async Task Anomalies_are_found_even_when_the_inner_audit_log_is_filtered_out()
    {
        await using var quiet = new AnomalyDetectionEndToEndTests(LogLevel.Warning);
        await quiet._store.GetSecretAsync("memory://db");
        quiet._time.Advance(TimeSpan.FromDays(5));

        await quiet._store.GetSecretAsync("memory://db");

        Assert.Equal([SecretAnomalyKind.OffHours], quiet._anomalies.Select(anomaly => anomaly.Kind));
        var logs = quiet._logs.GetSnapshot();
        Assert.DoesNotContain(logs, log => log.Category == LoggerSecretAuditSink.CategoryName); // successes are Information
        Assert.Single(logs, log => log.Category == AnomalyDetectingAuditSink.CategoryName);
    }

    [Fact]
    public async Task A_new_host_reading_through_a_shared_sink_is_flagged_after_learning()
    {
        await _store.GetSecretAsync("memory://db");
        _time.Advance(TimeSpan.FromHours(2));

        // Another machine's record arriving at the same sink (for example a shared audit pipeline).
        var foreign = new SecretAuditRecord
        {
            Timestamp = _time.GetUtcNow(),
            Provider = "memory",
            SecretName = "db",
            Kind = SecretAccessKind.Fetch,
            Outcome = SecretAuditOutcome.Success,
            Identity = _provider.Identity,
            User = Environment.UserName,
            Host = "unknown-laptop",
            Process = "testhost[1]",
            Environment = "Production",
        };
        _sink.Record(in foreign);

        Assert.Contains(_anomalies, anomaly => anomaly.Kind == SecretAnomalyKind.NewHost && anomaly.Record.Host == "unknown-laptop");
        AssertNoCanary();
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _sink.Dispose();
        _counter.Dispose();
        _loggerFactory.Dispose();
        await _services.DisposeAsync();
    }

    private void AssertNoCanary()
    {
        foreach (var anomaly in _anomalies)
        {
            Canary.AssertAbsent(anomaly.Description);
            Canary.AssertAbsent(anomaly.ToString());
        }

        foreach (var log in _logs.GetSnapshot())
        {
            Canary.AssertAbsent(log.Message);
            Canary.AssertAbsent(string.Join(";", log.StructuredState?.Select(pair => pair.Key + "=" + pair.Value) ?? []));
        }
    }
}

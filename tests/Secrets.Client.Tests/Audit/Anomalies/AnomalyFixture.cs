using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Tests.Audit.Anomalies;

/// <summary>An anomaly-detecting sink over a recording sink, with a fake clock, captured logs, metrics and anomalies.</summary>
internal sealed class AnomalyFixture : IDisposable
{
    /// <summary>Monday 23 November 2026, 09:00 UTC: within default working hours.</summary>
    public static readonly DateTimeOffset MondayMorning = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public AnomalyFixture(Action<SecretAnomalyOptions>? configure = null, ISecretAuditSink? inner = null, DateTimeOffset? start = null)
    {
        Time = new FakeTimeProvider(start ?? MondayMorning);
        // Most tests are about something else than new accessors: they run within a long learning period.
        Options = new SecretAnomalyOptions { LearningPeriod = TimeSpan.FromDays(30) };
        configure?.Invoke(Options);
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        MeterFactory = _services.GetRequiredService<IMeterFactory>();
        Counter = new MetricCollector<long>(MeterFactory, "Secrets.Client", AnomalyDetectingAuditSink.CounterName);
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
        Inner = inner ?? Recording;
        Sink = new AnomalyDetectingAuditSink(Inner, Options, Time, LoggerFactory, [AnomalySink], MeterFactory);
        Sink.AnomalyDetected += (_, anomaly) => Raised.Enqueue(anomaly);
    }

    public FakeTimeProvider Time { get; }

    public SecretAnomalyOptions Options { get; }

    public RecordingAuditSink Recording { get; } = new();

    public ISecretAuditSink Inner { get; }

    public AnomalyDetectingAuditSink Sink { get; }

    public RecordingAnomalySink AnomalySink { get; } = new();

    public ConcurrentQueue<SecretAnomaly> Raised { get; } = new();

    public FakeLogCollector Logs { get; } = new();

    public ILoggerFactory LoggerFactory { get; }

    public IMeterFactory MeterFactory { get; }

    public MetricCollector<long> Counter { get; }

    public IReadOnlyList<SecretAnomalyKind> Kinds => Raised.Select(anomaly => anomaly.Kind).ToArray();

    public static SecretAuditRecord Access(
        DateTimeOffset at,
        string secret = "db",
        SecretAccessKind kind = SecretAccessKind.Fetch,
        SecretAuditOutcome outcome = SecretAuditOutcome.Success,
        string? identity = "app-identity",
        string user = "svc",
        string host = "web-1",
        string process = "api[100]") => new()
        {
            Timestamp = at,
            Provider = "memory",
            SecretName = secret,
            Kind = kind,
            Outcome = outcome,
            Identity = identity,
            User = user,
            Host = host,
            Process = process,
            Environment = "Production",
            Version = "v1",
            ErrorType = outcome == SecretAuditOutcome.Success ? null : outcome + "Exception",
        };

    public void Record(SecretAuditRecord record) => Sink.Record(in record);

    public void Dispose()
    {
        Sink.Dispose();
        Counter.Dispose();
        LoggerFactory.Dispose();
        _services.Dispose();
    }
}

internal sealed class RecordingAnomalySink : ISecretAnomalySink
{
    public ConcurrentQueue<SecretAnomaly> Anomalies { get; } = new();

    public void Report(SecretAnomaly anomaly) => Anomalies.Enqueue(anomaly);
}

using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Client;
using Secrets.Client.Testing;

namespace Secrets.Client.Benchmarks;

/// <summary>
/// What anomaly detection costs: on a warm cached read through the store (goal: no measurable cost, since cache hits
/// are not analysed by default), and per analysed record (a fetch) handed to the sink directly.
/// </summary>
[MemoryDiagnoser]
public class AnomalyDetectionBenchmarks
{
    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private readonly SecretReference _reference = SecretReference.Parse("memory://bench/db");
    private readonly SecretReference _detectedReference = SecretReference.Parse("memory://bench/db");
    private readonly SecretAuditRecord[] _fetches = new SecretAuditRecord[1_000];
    private SecretStore _plainStore = null!;
    private SecretStore _detectingStore = null!;
    private AnomalyDetectingAuditSink _sink = null!;
    private AnomalyDetectingAuditSink _storeSink = null!;
    private int _next;
    private long _tick;

    [GlobalSetup]
    public void Setup()
    {
        var plain = new InMemorySecretProvider();
        plain.Set("bench/db", "bench-value");
        var detected = new InMemorySecretProvider();
        detected.Set("bench/db", "bench-value");
        var options = new SecretStoreOptions { CacheDuration = TimeSpan.FromHours(1) };
        _plainStore = new SecretStore([plain], options);
        _storeSink = new AnomalyDetectingAuditSink(new LoggerSecretAuditSink(NullLoggerFactory.Instance));
        _detectingStore = new SecretStore([detected], new SecretStoreOptions { CacheDuration = TimeSpan.FromHours(1) }, auditSink: _storeSink);
        _plainStore.GetSecretAsync(_reference).AsTask().GetAwaiter().GetResult();
        _detectingStore.GetSecretAsync(_detectedReference).AsTask().GetAwaiter().GetResult();

        // Every hour a working hour, so that the off-hours check runs but never fires however long the run.
        var anomalyOptions = new SecretAnomalyOptions { WorkingHoursStart = TimeOnly.MinValue, WorkingHoursEnd = TimeOnly.MinValue };
        anomalyOptions.WorkingDays.UnionWith(Enum.GetValues<DayOfWeek>());
        _sink = new AnomalyDetectingAuditSink(new LoggerSecretAuditSink(NullLoggerFactory.Instance), anomalyOptions, loggerFactory: NullLoggerFactory.Instance);
        for (var i = 0; i < _fetches.Length; i++)
        {
            _fetches[i] = new SecretAuditRecord
            {
                Timestamp = MondayMorning,
                Provider = "memory",
                SecretName = "secret-" + i,
                Kind = SecretAccessKind.Fetch,
                Outcome = SecretAuditOutcome.Success,
                Identity = "app-identity",
                User = "svc",
                Host = "web-1",
                Process = "api[100]",
                Environment = "Production",
            };
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plainStore.Dispose();
        _detectingStore.Dispose();
        _sink.Dispose();
        _storeSink.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Secret WarmReadDefaultSink() => Read(_plainStore, _reference);

    [Benchmark]
    public Secret WarmReadAnomalyDetectingSink() => Read(_detectingStore, _detectedReference);

    /// <summary>
    /// One analysed fetch record: off-hours check, per-secret accessor and burst state, per-principal burst state.
    /// 1,000 secrets in turn by one known accessor, time advancing 1 s per record, so no anomaly fires: this is the cost
    /// paid on every fetch.
    /// </summary>
    [Benchmark]
    public void RecordAnalysedFetch()
    {
        var index = _next++ % _fetches.Length;
        var record = _fetches[index] with { Timestamp = MondayMorning.AddTicks(_tick++ * TimeSpan.TicksPerSecond) };
        _sink.Record(in record);
    }

    private static Secret Read(SecretStore store, SecretReference reference)
    {
        var pending = store.GetSecretAsync(reference);
        return pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("not cached");
    }
}

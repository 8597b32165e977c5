using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Secrets.Client;

/// <summary>
/// An audit sink that forwards every record, unchanged, to an inner sink and flags anomalous accesses: off-hours
/// access, a new principal, host or process for a secret (after a learning period), bursts of accesses of one secret or
/// by one principal, and repeated denied or not-found accesses (probing). Each anomaly is logged as a warning in
/// category <c>Secrets.Client.Audit.Anomalies</c>, counted by <c>secrets.client.audit.anomalies</c> (tag <c>kind</c>)
/// on the <c>Secrets.Client</c> meter, raised as <see cref="AnomalyDetected"/> and given to every
/// <see cref="ISecretAnomalySink"/>.
/// </summary>
/// <remarks>
/// Times come from each record's <see cref="SecretAuditRecord.Timestamp"/>; the learning period starts when the sink is
/// built, by its <see cref="TimeProvider"/>. State is kept per secret and per principal, each with its own lock, and
/// bounded by <see cref="SecretAnomalyOptions.MaxTrackedSecrets"/>, <see cref="SecretAnomalyOptions.MaxAccessorsPerSecret"/>
/// and <see cref="SecretAnomalyOptions.MaxTrackedPrincipals"/>. Thread-safe.
/// </remarks>
public sealed partial class AnomalyDetectingAuditSink : ISecretAuditSink, IDisposable
{
    /// <summary>The log category anomalies are written to.</summary>
    public const string CategoryName = "Secrets.Client.Audit.Anomalies";

    /// <summary>The name of the counter of anomalies, on the <c>Secrets.Client</c> meter.</summary>
    public const string CounterName = "secrets.client.audit.anomalies";

    private const string MeterName = "Secrets.Client";
    private static readonly string[] KindTags = Enum.GetValues<SecretAnomalyKind>().Select(kind => kind.ToString()).ToArray();

    private readonly ISecretAuditSink _inner;
    private readonly ISecretAnomalySink[] _anomalySinks;
    private readonly ILogger _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _anomalies;
    private readonly TrackedStateTable<(string Provider, string SecretName), SecretState> _secrets;
    private readonly TrackedStateTable<(string? Identity, string User), PrincipalState> _principals;
    private readonly TrackedStateTable<(string Dimension, string? Identity, string Name), Sighting> _knownAccessors;
    private readonly bool[] _analyzedKinds;
    private readonly bool[] _failureOutcomes;
    private readonly WorkingHours _workingHours;
    private readonly bool _detectOffHours;
    private readonly bool _detectNewAccessors;
    private readonly bool _detectFailures;
    private readonly long _learningEndsTicks;
    private readonly int _secretBurstThreshold;
    private readonly int _principalBurstThreshold;
    private readonly int _failureThreshold;
    private readonly long _burstWindowTicks;
    private readonly long _failureWindowTicks;
    private readonly long _reportIntervalTicks;
    private readonly TimeSpan _burstWindow;
    private readonly TimeSpan _failureWindow;
    private readonly int _maxAccessors;
    private ProcessNameEntry? _lastProcess;

    /// <summary>Initializes a new instance of the <see cref="AnomalyDetectingAuditSink"/> class with default options.</summary>
    /// <param name="inner">The sink every record is forwarded to.</param>
    public AnomalyDetectingAuditSink(ISecretAuditSink inner)
        : this(inner, new SecretAnomalyOptions())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AnomalyDetectingAuditSink"/> class.</summary>
    /// <param name="inner">The sink every record is forwarded to.</param>
    /// <param name="options">What to flag; validated now and copied, so later changes have no effect.</param>
    /// <param name="timeProvider">The clock the learning period starts by; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Logs anomalies; nothing is logged when null.</param>
    /// <param name="anomalySinks">Receive each anomaly; none when null.</param>
    /// <param name="meterFactory">Creates the <c>Secrets.Client</c> meter; a standalone meter when null.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range.</exception>
    public AnomalyDetectingAuditSink(
        ISecretAuditSink inner,
        SecretAnomalyOptions options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IEnumerable<ISecretAnomalySink>? anomalySinks = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _inner = inner;
        _anomalySinks = anomalySinks?.ToArray() ?? [];
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(CategoryName);
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _anomalies = _meter.CreateCounter<long>(CounterName, "{anomaly}", "Anomalous secret accesses flagged by the audit, by kind.");

        _analyzedKinds = new bool[Enum.GetValues<SecretAccessKind>().Max(kind => (int)kind) + 1];
        foreach (var kind in options.AnalyzedAccessKinds)
        {
            _analyzedKinds[(int)kind] = true;
        }

        _failureOutcomes = new bool[Enum.GetValues<SecretAuditOutcome>().Max(outcome => (int)outcome) + 1];
        foreach (var outcome in options.FailureOutcomes)
        {
            _failureOutcomes[(int)outcome] = true;
        }

        _workingHours = new WorkingHours(options);
        _detectOffHours = options.DetectOffHours;
        _detectNewAccessors = options.DetectNewAccessors;
        _detectFailures = options.DetectRepeatedFailures && options.FailureOutcomes.Count > 0;
        var start = (timeProvider ?? TimeProvider.System).GetUtcNow().UtcTicks;
        _learningEndsTicks = options.LearningPeriod.Ticks > long.MaxValue - start ? long.MaxValue : start + options.LearningPeriod.Ticks;
        _secretBurstThreshold = options.DetectBursts ? options.SecretBurstThreshold : 0;
        _principalBurstThreshold = options.DetectBursts ? options.PrincipalBurstThreshold : 0;
        _failureThreshold = options.FailureThreshold;
        _burstWindow = options.BurstWindow;
        _failureWindow = options.FailureWindow;
        _burstWindowTicks = options.BurstWindow.Ticks;
        _failureWindowTicks = options.FailureWindow.Ticks;
        _reportIntervalTicks = options.ReportInterval.Ticks;
        _maxAccessors = options.MaxAccessorsPerSecret;
        _secrets = new(options.MaxTrackedSecrets);
        _principals = new(options.MaxTrackedPrincipals);
        _knownAccessors = new((int)Math.Min(options.MaxTrackedPrincipals * 3L, int.MaxValue)); // principals, hosts and processes
    }

    /// <summary>Raised for each anomaly found, after it was logged and counted. A handler's exception is logged and ignored.</summary>
    public event EventHandler<SecretAnomaly>? AnomalyDetected;

    /// <summary>Gets the sink every record is forwarded to.</summary>
    public ISecretAuditSink InnerSink => _inner;

    internal int TrackedSecretCount => _secrets.Count;

    internal int TrackedPrincipalCount => _principals.Count;

    /// <summary>
    /// Tells whether records of this kind and outcome are wanted: those this sink analyses, and those the inner sink
    /// wants. Cache hits are not analysed by default, so the cached-read path stays as cheap as the inner sink makes it.
    /// </summary>
    /// <param name="kind">The kind of access.</param>
    /// <param name="outcome">How it ended.</param>
    /// <returns><see langword="true"/> when <see cref="Record(in SecretAuditRecord)"/> should be called.</returns>
    public bool IsEnabled(SecretAccessKind kind, SecretAuditOutcome outcome) =>
        IsAnalyzed(kind) || IsFailure(outcome) || _inner.IsEnabled(kind, outcome);

    /// <summary>Forwards the record to the inner sink when it wants it, then analyses it.</summary>
    /// <param name="record">The access; it never holds a value.</param>
    public void Record(in SecretAuditRecord record)
    {
        try
        {
            if (_inner.IsEnabled(record.Kind, record.Outcome))
            {
                _inner.Record(in record);
            }
        }
        finally
        {
            Analyze(in record);
        }
    }

    /// <summary>Disposes the meter this sink created.</summary>
    public void Dispose() => _meter.Dispose();

    private bool IsAnalyzed(SecretAccessKind kind) => (uint)kind < (uint)_analyzedKinds.Length && _analyzedKinds[(int)kind];

    private bool IsFailure(SecretAuditOutcome outcome) =>
        _detectFailures && (uint)outcome < (uint)_failureOutcomes.Length && _failureOutcomes[(int)outcome];

    private void Analyze(in SecretAuditRecord record)
    {
        var analyzed = IsAnalyzed(record.Kind);
        var failure = IsFailure(record.Outcome);
        if (!analyzed && !failure)
        {
            return;
        }

        var ticks = record.Timestamp.UtcTicks;
        List<SecretAnomaly>? found = null;
        if (analyzed)
        {
            AnalyzeSecretAccess(in record, ticks, ref found);
        }

        if ((analyzed && _principalBurstThreshold > 0) || failure)
        {
            AnalyzePrincipal(in record, ticks, analyzed, failure, ref found);
        }

        if (found is not null)
        {
            foreach (var anomaly in found)
            {
                Report(anomaly);
            }
        }
    }

    private void AnalyzeSecretAccess(in SecretAuditRecord record, long ticks, ref List<SecretAnomaly>? found)
    {
        var local = default(DateTimeOffset);
        var offHours = _detectOffHours && _workingHours.IsOffHours(record.Timestamp, out local);
        var state = _secrets.GetOrAdd((record.Provider, record.SecretName), ticks, static sink => new SecretState(sink._maxAccessors, sink._secretBurstThreshold), this);
        var processName = _detectNewAccessors ? ProcessName(record.Process) : null;
        bool newPrincipal = false, newHost = false, newProcess = false, burst = false, reportOffHours = false, baseline = false;
        lock (state)
        {
            state.Seen(ticks);
            reportOffHours = offHours && state.ShouldReport(SecretAnomalyKind.OffHours, ticks, _reportIntervalTicks);
            if (_detectNewAccessors)
            {
                baseline = state.Principals.Count > 0;
                newPrincipal = state.Principals.Touch((record.Identity, record.User), ticks);
                newHost = state.Hosts.Touch(record.Host, ticks);
                newProcess = state.Processes.Touch(processName!, ticks);
            }

            burst = state.Burst is { } counter && counter.Add(ticks, _burstWindowTicks)
                && state.ShouldReport(SecretAnomalyKind.SecretBurst, ticks, _reportIntervalTicks);
        }

        if (_detectNewAccessors)
        {
            // A secret with no history here (first read, or forgotten) is judged against every secret's accessors, so
            // that a known application reading a secret for the first time is not an alarm but a stranger is.
            var knownPrincipal = Sighted(("p", record.Identity, record.User), ticks);
            var knownHost = Sighted(("h", null, record.Host), ticks);
            var knownProcess = Sighted(("x", null, processName!), ticks);
            var learning = ticks < _learningEndsTicks;
            newPrincipal &= !learning && (baseline || !knownPrincipal);
            newHost &= !learning && (baseline || !knownHost);
            newProcess &= !learning && (baseline || !knownProcess);
        }

        if (!(reportOffHours || newPrincipal || newHost || newProcess || burst))
        {
            return;
        }

        var name = $"{record.Provider}:{record.SecretName}";
        if (reportOffHours)
        {
            Add(ref found, new SecretAnomaly(SecretAnomalyKind.OffHours, in record, string.Create(CultureInfo.InvariantCulture,
                $"{record.Kind} of {name} at {local:yyyy-MM-dd HH:mm} {local.DayOfWeek} ({_workingHours.TimeZone.Id}), outside working hours {_workingHours.Text}.")));
        }

        if (newPrincipal)
        {
            Add(ref found, new SecretAnomaly(SecretAnomalyKind.NewPrincipal, in record,
                $"{record.Kind} of {name} by a principal not seen for it before: identity {record.Identity ?? "(none)"}, user {record.User}."));
        }

        if (newHost)
        {
            Add(ref found, new SecretAnomaly(SecretAnomalyKind.NewHost, in record, $"{record.Kind} of {name} from a host not seen for it before: {record.Host}."));
        }

        if (newProcess)
        {
            Add(ref found, new SecretAnomaly(SecretAnomalyKind.NewProcess, in record, $"{record.Kind} of {name} by a process not seen for it before: {processName}."));
        }

        if (burst)
        {
            Add(ref found, new SecretAnomaly(SecretAnomalyKind.SecretBurst, in record, string.Create(CultureInfo.InvariantCulture,
                $"More than {_secretBurstThreshold} accesses of {name} within {_burstWindow}; the latest a {record.Kind} by identity {record.Identity ?? "(none)"}, user {record.User} on {record.Host}.")));
        }
    }

    private void AnalyzePrincipal(in SecretAuditRecord record, long ticks, bool analyzed, bool failure, ref List<SecretAnomaly>? found)
    {
        var state = _principals.GetOrAdd((record.Identity, record.User), ticks, static sink => new PrincipalState(sink._principalBurstThreshold, sink._failureThreshold), this);
        bool burst = false, failures = false;
        lock (state)
        {
            state.Seen(ticks);
            burst = analyzed && state.Burst is { } counter && counter.Add(ticks, _burstWindowTicks)
                && state.ShouldReport(SecretAnomalyKind.PrincipalBurst, ticks, _reportIntervalTicks);
            failures = failure && state.Failures.Add(ticks, _failureWindowTicks)
                && state.ShouldReport(SecretAnomalyKind.RepeatedFailures, ticks, _reportIntervalTicks);
        }

        if (!(burst || failures))
        {
            return;
        }

        var principal = $"identity {record.Identity ?? "(none)"}, user {record.User}";
        if (burst)
        {
            Add(ref found, new SecretAnomaly(SecretAnomalyKind.PrincipalBurst, in record, string.Create(CultureInfo.InvariantCulture,
                $"More than {_principalBurstThreshold} accesses by {principal} within {_burstWindow}; the latest a {record.Kind} of {record.Provider}:{record.SecretName} on {record.Host}.")));
        }

        if (failures)
        {
            Add(ref found, new SecretAnomaly(SecretAnomalyKind.RepeatedFailures, in record, string.Create(CultureInfo.InvariantCulture,
                $"More than {_failureThreshold} failed accesses by {principal} within {_failureWindow}; the latest a {record.Kind} of {record.Provider}:{record.SecretName} ({record.Outcome}) on {record.Host}.")));
        }
    }

    /// <summary>The process name without its id (<c>name[pid]</c>), so that a restart is not a new process.</summary>
    private string ProcessName(string process)
    {
        // Records of one process all carry the same string: remember its name rather than cut it each time.
        var last = Volatile.Read(ref _lastProcess);
        if (last is not null && ReferenceEquals(last.Process, process))
        {
            return last.Name;
        }

        var name = StripProcessId(process);
        Volatile.Write(ref _lastProcess, new ProcessNameEntry(process, name));
        return name;
    }

    private static string StripProcessId(string process)
    {
        var open = process.LastIndexOf('[');
        return open > 0 && process.EndsWith(']') && process.AsSpan(open + 1, process.Length - open - 2) is { Length: > 0 } id && !id.ContainsAnyExceptInRange('0', '9')
            ? process[..open]
            : process;
    }

    /// <summary>Notes an accessor in the set across all secrets.</summary>
    /// <returns><see langword="true"/> when it was known before.</returns>
    private bool Sighted((string Dimension, string? Identity, string Name) key, long ticks)
    {
        if (_knownAccessors.TryGetValue(key, out var sighting))
        {
            sighting.Seen(ticks);
            return true;
        }

        _knownAccessors.GetOrAdd(key, ticks, static _ => new Sighting(), 0);
        return false;
    }

    private static void Add(ref List<SecretAnomaly>? found, SecretAnomaly anomaly) => (found ??= []).Add(anomaly);

    private void Report(SecretAnomaly anomaly)
    {
        _anomalies.Add(1, new KeyValuePair<string, object?>("kind", KindTags[(int)anomaly.Kind]));
        var record = anomaly.Record;
        AnomalyLogged(_logger, anomaly.Kind, record.Provider, record.SecretName, anomaly.Description, record.Kind, record.Outcome,
            record.Identity, record.User, record.Host, record.Process, record.Environment, record.Timestamp);
        if (AnomalyDetected is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList())
            {
                try
                {
                    ((EventHandler<SecretAnomaly>)handler)(this, anomaly);
                }
#pragma warning disable CA1031 // A subscriber's failure must not break reads nor hide the anomaly from others.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    AnomalyHandlerFailed(_logger, anomaly.Kind, ex);
                }
            }
        }

        foreach (var sink in _anomalySinks)
        {
            try
            {
                sink.Report(anomaly);
            }
#pragma warning disable CA1031 // As above, for sinks.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                AnomalyHandlerFailed(_logger, anomaly.Kind, ex);
            }
        }
    }

    [LoggerMessage(EventId = 1100, EventName = "SecretAccessAnomaly", Level = LogLevel.Warning,
        Message = "Secret access anomaly {AnomalyKind} on {Provider}:{SecretName}: {Description} Access {AccessKind} {Outcome}; identity {Identity}; user {User}; host {Host}; process {Process}; environment {Environment}; at {Timestamp:O}")]
    private static partial void AnomalyLogged(ILogger logger, SecretAnomalyKind anomalyKind, string provider, string secretName, string description,
        SecretAccessKind accessKind, SecretAuditOutcome outcome, string? identity, string user, string host, string process, string environment, DateTimeOffset timestamp);

    [LoggerMessage(EventId = 1101, EventName = "SecretAnomalyHandlerFailed", Level = LogLevel.Error, Message = "A handler of a {AnomalyKind} secret access anomaly failed")]
    private static partial void AnomalyHandlerFailed(ILogger logger, SecretAnomalyKind anomalyKind, Exception exception);

    private sealed class Sighting : TrackedState;

    private sealed record ProcessNameEntry(string Process, string Name);

    private sealed class SecretState(int maxAccessors, int burstThreshold) : TrackedState
    {
        public AccessorSet<(string? Identity, string User)> Principals { get; } = new(maxAccessors);

        public AccessorSet<string> Hosts { get; } = new(maxAccessors);

        public AccessorSet<string> Processes { get; } = new(maxAccessors);

        public SlidingWindowCounter? Burst { get; } = burstThreshold > 0 ? new SlidingWindowCounter(burstThreshold) : null;
    }

    private sealed class PrincipalState(int burstThreshold, int failureThreshold) : TrackedState
    {
        public SlidingWindowCounter? Burst { get; } = burstThreshold > 0 ? new SlidingWindowCounter(burstThreshold) : null;

        public SlidingWindowCounter Failures { get; } = new(failureThreshold);
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Secrets.Client.Listening;

/// <summary>
/// What one change listener did, on the <c>Secrets.Client.Listeners</c> meter tagged by <c>secrets.source</c>, with the
/// core listeners' instrument names: events received, applied (the store scheduled a check), ignored by reason (not held,
/// coalesced, unknown provider, not a secret change, malformed, rejected), transport errors, and the lag from the backend's event time to receipt. It also keeps
/// the listener's health: connected, reconnecting (with the fault count) or stopped.
/// </summary>
internal sealed class ListenerTelemetry : IDisposable
{
    public const string MeterName = "Secrets.Client.Listeners";

    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _receivedCounter;
    private readonly Counter<long> _appliedCounter;
    private readonly Counter<long> _ignoredCounter;
    private readonly Counter<long> _faults;
    private readonly Histogram<double> _lag;
    private readonly TimeProvider _timeProvider;
    private readonly TagList _sourceTag;
    private readonly Lock _sync = new();
    private ListenerHealth _health = ListenerHealth.Starting;
    private string? _lastFaultType;
    private int _consecutiveFaults;
    private DateTimeOffset? _lastContact;
    private long _received;
    private long _applied;
    private long _ignored;
    private long _malformed;
    private long _rejected;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ListenerTelemetry(string source, IMeterFactory? meterFactory, TimeProvider timeProvider)
    {
        Source = source;
        _timeProvider = timeProvider;
        var meter = meterFactory?.Create(MeterName) ?? (_ownedMeter = new Meter(MeterName));
        // The same instruments as the core's SecretChangeListener (AWS, GCP), so that every listener reports one way.
        _receivedCounter = meter.CreateCounter<long>("secrets.listener.events.received", "{event}", "Change events a listener received.");
        _appliedCounter = meter.CreateCounter<long>("secrets.listener.events.applied", "{event}", "Change events that scheduled a version check of a held secret.");
        _ignoredCounter = meter.CreateCounter<long>("secrets.listener.events.ignored", "{event}", "Change events that needed no check, by reason (not-held, coalesced, malformed, rejected, ...).");
        _faults = meter.CreateCounter<long>("secrets.listener.transport.errors", "{error}", "Transport failures of a listener (it backs off and reconnects).");
        _lag = meter.CreateHistogram<double>("secrets.listener.lag", "s", "Time from the backend's event to its hand-over to the store.");
        _sourceTag = new TagList { { "secrets.source", source } };
    }

    public string Source { get; }

    public ListenerSnapshot Snapshot()
    {
        lock (_sync)
        {
            return new ListenerSnapshot(_health, _consecutiveFaults, _lastFaultType, _lastContact, _received, _applied, _ignored, _malformed, _rejected);
        }
    }

    public void Contact()
    {
        lock (_sync)
        {
            _health = ListenerHealth.Connected;
            _consecutiveFaults = 0;
            _lastContact = _timeProvider.GetUtcNow();
        }

        Signal();
    }

    public void Fault(Exception error)
    {
        lock (_sync)
        {
            _health = ListenerHealth.Reconnecting;
            _consecutiveFaults++;
            _lastFaultType = error.GetType().Name;
        }

        var tags = _sourceTag;
        tags.Add("error.type", error.GetType().Name);
        _faults.Add(1, tags);
        Signal();
    }

    public void Stopped()
    {
        lock (_sync)
        {
            _health = ListenerHealth.Stopped;
        }

        Signal();
    }

    /// <summary>Counts one received event and records its lag when the backend stamped it.</summary>
    public void Received(DateTimeOffset? eventTime)
    {
        Interlocked.Increment(ref _received);
        _receivedCounter.Add(1, _sourceTag);
        if (eventTime is { } time)
        {
            _lag.Record(Math.Max(0, (_timeProvider.GetUtcNow() - time).TotalSeconds), _sourceTag);
        }

        Signal();
    }

    public void Outcome(SecretChangeNotificationOutcome outcome)
    {
        if (outcome == SecretChangeNotificationOutcome.Scheduled)
        {
            Interlocked.Increment(ref _applied);
            _appliedCounter.Add(1, _sourceTag);
            Signal();
        }
        else
        {
            Count(ref _ignored, outcome switch
            {
                SecretChangeNotificationOutcome.Coalesced => "coalesced",
                SecretChangeNotificationOutcome.NotHeld => "not-held",
                _ => "unknown-provider",
            });
        }
    }

    public void Ignored(string reason) => Count(ref _ignored, reason);

    public void Malformed() => Count(ref _malformed, "malformed");

    public void Rejected() => Count(ref _rejected, "rejected");

    public HealthCheckResult ToHealthCheckResult(int unhealthyAfterFaults)
    {
        var snapshot = Snapshot();
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["source"] = Source,
            ["state"] = snapshot.Health.ToString(),
            ["consecutiveFaults"] = snapshot.ConsecutiveFaults,
            ["received"] = snapshot.Received,
            ["applied"] = snapshot.Applied,
            ["ignored"] = snapshot.Ignored,
            ["malformed"] = snapshot.Malformed,
            ["rejected"] = snapshot.Rejected,
        };
        if (snapshot.LastContact is { } contact)
        {
            data["lastContact"] = contact;
        }

        // A listener that cannot reach its transport is degraded, not unhealthy: the safety-net poll still refreshes secrets.
        return snapshot.Health switch
        {
            ListenerHealth.Connected => HealthCheckResult.Healthy($"{Source} listening", data),
            ListenerHealth.Reconnecting when snapshot.ConsecutiveFaults >= unhealthyAfterFaults =>
                HealthCheckResult.Degraded($"{Source} has failed {snapshot.ConsecutiveFaults} times in a row ({snapshot.LastFaultType}); rotations wait for the safety-net poll", data: data),
            ListenerHealth.Reconnecting => HealthCheckResult.Healthy($"{Source} reconnecting after {snapshot.ConsecutiveFaults} fault(s)", data),
            ListenerHealth.Stopped => HealthCheckResult.Degraded($"{Source} is stopped", data: data),
            _ => HealthCheckResult.Healthy($"{Source} starting", data),
        };
    }

    public void Dispose() => _ownedMeter?.Dispose();

    /// <summary>Completes when the listener's state satisfies <paramref name="condition"/> (a gate for tests and hosts; no polling).</summary>
    public async Task WaitForAsync(Func<ListenerSnapshot, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_sync)
            {
                changed = _changed.Task;
            }

            if (condition(Snapshot()))
            {
                return;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_sync)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    private void Count(ref long counter, string reason)
    {
        Interlocked.Increment(ref counter);
        var tags = _sourceTag;
        tags.Add("secrets.reason", reason);
        _ignoredCounter.Add(1, tags);
        Signal();
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Secrets.Client.Listening;

/// <summary>
/// What one change listener did, on the <c>Secrets.Client.Listeners</c> meter tagged by <c>secrets.source</c>: events
/// received, applied (the store scheduled a check), ignored (not held, coalesced, unknown provider, not a secret
/// change), malformed or rejected, transport faults, and the lag from the backend's event time to receipt. It also keeps
/// the listener's health: connected, reconnecting (with the fault count) or stopped.
/// </summary>
internal sealed class ListenerTelemetry : IDisposable
{
    public const string MeterName = "Secrets.Client.Listeners";

    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _events;
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
        _events = meter.CreateCounter<long>("secrets.client.listener.events", "{event}", "Events a change listener received, by outcome (applied, ignored, malformed, rejected).");
        _faults = meter.CreateCounter<long>("secrets.client.listener.transport_faults", "{fault}", "Transport faults a change listener survived (it backs off and reconnects).");
        _lag = meter.CreateHistogram<double>("secrets.client.listener.lag", "s", "Time from the backend's event to its receipt by the listener.");
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
            Count(ref _applied, "applied", null);
        }
        else
        {
            Count(ref _ignored, "ignored", outcome switch
            {
                SecretChangeNotificationOutcome.Coalesced => "coalesced",
                SecretChangeNotificationOutcome.NotHeld => "not-held",
                _ => "unknown-provider",
            });
        }
    }

    public void Ignored(string reason) => Count(ref _ignored, "ignored", reason);

    public void Malformed() => Count(ref _malformed, "malformed", null);

    public void Rejected() => Count(ref _rejected, "rejected", null);

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

    private void Count(ref long counter, string outcome, string? reason)
    {
        Interlocked.Increment(ref counter);
        var tags = _sourceTag;
        tags.Add("secrets.outcome", outcome);
        if (reason is not null)
        {
            tags.Add("secrets.reason", reason);
        }

        _events.Add(1, tags);
        Signal();
    }
}

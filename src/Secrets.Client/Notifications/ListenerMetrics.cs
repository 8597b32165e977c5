using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Client;

/// <summary>
/// A listener's instruments on the <c>Secrets.Client.Listeners</c> meter, tagged <c>secrets.source</c> and
/// <c>secrets.provider</c>: events received, applied (a check scheduled), ignored (by <c>secrets.reason</c>), transport
/// errors (by <c>error.type</c>) and the lag from the backend's event time to its hand-over to the store.
/// </summary>
internal sealed class ListenerMetrics : IDisposable
{
    public const string MeterName = "Secrets.Client.Listeners";
    private readonly Meter? _owned;
    private readonly Counter<long> _received;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _ignored;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _lag;
    private readonly KeyValuePair<string, object?> _source;
    private readonly KeyValuePair<string, object?> _provider;

    public ListenerMetrics(IMeterFactory? meterFactory, string source, string provider)
    {
        var meter = meterFactory?.Create(MeterName) ?? (_owned = new Meter(MeterName));
        _source = new("secrets.source", source);
        _provider = new("secrets.provider", provider);
        _received = meter.CreateCounter<long>("secrets.listener.events.received", "{event}", "Change events a listener received.");
        _applied = meter.CreateCounter<long>("secrets.listener.events.applied", "{event}", "Change events that scheduled a version check of a held secret.");
        _ignored = meter.CreateCounter<long>("secrets.listener.events.ignored", "{event}", "Change events that needed no check, by reason.");
        _errors = meter.CreateCounter<long>("secrets.listener.transport.errors", "{error}", "Transport failures of a listener (it backs off and reconnects).");
        _lag = meter.CreateHistogram<double>("secrets.listener.lag", "s", "Time from the backend's event to its hand-over to the store.");
    }

    public void Received() => _received.Add(1, _source, _provider);

    public void Applied(string? eventType) => _applied.Add(1, new TagList { _source, _provider, { "secrets.event_type", eventType ?? "unknown" } });

    public void Ignored(string reason) => _ignored.Add(1, new TagList { _source, _provider, { "secrets.reason", reason } });

    public void Error(Exception error) => _errors.Add(1, new TagList { _source, _provider, { "error.type", error.GetType().Name } });

    public void Lag(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalSeconds), _source, _provider);

    public void Dispose() => _owned?.Dispose();
}

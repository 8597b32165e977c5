using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Client;

/// <summary>
/// Change-notification instruments on the store's meter, tagged by provider and listener (<c>secrets.source</c>):
/// received, applied (a refresh ran: a version check, or the fetch of a version the notification named;
/// <c>secrets.changed</c> says whether it found a new value), ignored (tagged <c>secrets.reason</c>: not-held,
/// coalesced, current, unknown-provider) and the lag from the backend's event time to the end of the refresh.
/// </summary>
internal sealed class ChangeNotificationMetrics
{
    private readonly Counter<long> _received;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _ignored;
    private readonly Histogram<double> _lag;

    public ChangeNotificationMetrics(Meter meter)
    {
        _received = meter.CreateCounter<long>("secrets.client.change_notifications.received", "{notification}", "Change notifications handed to the store by listeners.");
        _applied = meter.CreateCounter<long>("secrets.client.change_notifications.applied", "{check}", "Refreshes (a version check, or the fetch of a version the notification named) run because of change notifications.");
        _ignored = meter.CreateCounter<long>("secrets.client.change_notifications.ignored", "{notification}", "Change notifications that needed no check (not held, coalesced, already current, unknown provider).");
        _lag = meter.CreateHistogram<double>("secrets.client.change_notifications.lag", "s", "Time from the backend's event to the end of the refresh it triggered.");
    }

    public void Received(SecretChangeNotification notification) =>
        _received.Add(1, new TagList { { "secrets.provider", notification.Provider }, { "secrets.source", notification.Source ?? "unknown" } });

    public void Ignored(SecretChangeNotification notification, string reason) =>
        _ignored.Add(1, new TagList { { "secrets.provider", notification.Provider }, { "secrets.source", notification.Source ?? "unknown" }, { "secrets.reason", reason } });

    public void Applied(string provider, SecretChangeNotification notification, bool changed, TimeSpan? lag)
    {
        var tags = new TagList { { "secrets.provider", provider }, { "secrets.source", notification.Source ?? "unknown" }, { "secrets.changed", changed } };
        _applied.Add(1, tags);
        if (lag is { } value)
        {
            _lag.Record(Math.Max(0, value.TotalSeconds), tags);
        }
    }
}

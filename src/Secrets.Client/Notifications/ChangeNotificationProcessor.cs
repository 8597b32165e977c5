using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Secrets.Client;

/// <summary>
/// Turns change notifications into version checks: finds the held entries of the secret (any field, any stage; a
/// pinned version never changes), and per entry runs one check after a random delay in
/// [0, <see cref="SecretStoreOptions.ChangeNotificationMaxDelay"/>], so that a fleet told at once does not call the
/// backend at once. Notifications arriving while a check waits join it; one arriving while a check runs asks for one
/// more check after it (the running one may have read the backend before the change). The check is the store's normal
/// refresh flight: a version check, then a fetch only if the version moved, landing through the one change path; when
/// the notification names a version other than the held one the version check is skipped (it could only say "moved")
/// and the flight fetches at once, and one naming the held version costs nothing. A notification never carries a value,
/// so a forged one costs at most one call and lands only what the backend serves, and one for a secret not held costs
/// an index lookup per spelling of its name and nothing else (a scan while the store holds references by stage).
/// </summary>
internal sealed class ChangeNotificationProcessor : IDisposable
{
    private readonly ConcurrentDictionary<SecretReference, PendingCheck> _pending = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SecretRouter _router;
    private readonly SecretCacheIndex _index;
    private readonly SecretFetcher _fetcher;
    private readonly StoreClock _clock;
    private readonly SecretStoreOptions _options;
    private readonly StoreAuditor _audit;
    private readonly ChangeNotificationMetrics _metrics;
    private readonly ILogger _logger;

    public ChangeNotificationProcessor(SecretRouter router, SecretCacheIndex index, SecretFetcher fetcher, StoreClock clock, SecretStoreOptions options, StoreAuditor audit, ChangeNotificationMetrics metrics, ILogger logger)
    {
        _router = router;
        _index = index;
        _fetcher = fetcher;
        _clock = clock;
        _options = options;
        _audit = audit;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Gets the number of secrets with a check waiting or running (for tests and diagnostics).</summary>
    public int PendingCount => _pending.Count;

    public SecretChangeNotificationOutcome Process(SecretChangeNotification notification)
    {
        _metrics.Received(notification);
        var outcome = Schedule(notification);
        switch (outcome)
        {
            case SecretChangeNotificationOutcome.NotHeld:
                _metrics.Ignored(notification, "not-held");
                break;
            case SecretChangeNotificationOutcome.UnknownProvider:
                _metrics.Ignored(notification, "unknown-provider");
                break;
            case SecretChangeNotificationOutcome.Coalesced:
                _metrics.Ignored(notification, "coalesced");
                break;
        }

        NotificationLog.Received(_logger, notification.EventType, notification.Provider, notification.SecretName, notification.Source, outcome);
        return outcome;
    }

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    /// <summary>The cached entries a notification may name: looked up by each spelling, or all of them while a key by stage is held.</summary>
    private IEnumerable<KeyValuePair<SecretReference, CacheEntry>> Candidates(ProviderRoute route, SecretChangeNotification notification) =>
        _index.HoldsStagedKeys ? _index.Entries : LookUp(route.Name, notification);

    private IEnumerable<KeyValuePair<SecretReference, CacheEntry>> LookUp(string provider, SecretChangeNotification notification)
    {
        var spellings = new HashSet<string>(StringComparer.Ordinal) { notification.SecretName };
        spellings.UnionWith(notification.Aliases);
        foreach (var name in spellings)
        {
            SecretReference key;
            try
            {
                key = new SecretReference(provider, name);
            }
            catch (InvalidSecretReferenceException)
            {
                continue; // no reference can hold this spelling, so no entry is keyed by it
            }

            if (_index.TryGet(key, out var entry))
            {
                yield return new KeyValuePair<SecretReference, CacheEntry>(key, entry);
            }
        }
    }

    private static bool Names(SecretChangeNotification notification, string path)
    {
        if (string.Equals(path, notification.SecretName, StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var alias in notification.Aliases)
        {
            if (string.Equals(path, alias, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private SecretChangeNotificationOutcome Schedule(SecretChangeNotification notification)
    {
        if (!_router.TryGetRoute(notification.Provider.ToLowerInvariant(), out var route))
        {
            return SecretChangeNotificationOutcome.UnknownProvider;
        }

        var held = false;
        var scheduled = false;
        foreach (var (key, entry) in Candidates(route, notification))
        {
            if (entry.Secret is not { } secret
                || key.Version is not null
                || !string.Equals(key.Provider, route.Name, StringComparison.OrdinalIgnoreCase)
                || !Names(notification, key.Path))
            {
                continue;
            }

            held = true;
            if (key.Stage is null && notification.Version is not null && string.Equals(notification.Version, secret.Properties.Version, StringComparison.Ordinal))
            {
                continue; // Already serving the announced version (a duplicate, or the event of our own refresh).
            }

            scheduled |= ScheduleCheck(route, key, notification);
        }

        return !held ? SecretChangeNotificationOutcome.NotHeld
            : scheduled ? SecretChangeNotificationOutcome.Scheduled
            : SecretChangeNotificationOutcome.Coalesced;
    }

    /// <summary>Starts a check for the key, or joins the pending one: true when this notification caused a check.</summary>
    private bool ScheduleCheck(ProviderRoute route, SecretReference key, SecretChangeNotification notification)
    {
        while (true)
        {
            if (_pending.TryGetValue(key, out var pending))
            {
                lock (pending)
                {
                    if (pending.Done)
                    {
                        continue;
                    }

                    if (!pending.Running || pending.Again)
                    {
                        return false;
                    }

                    pending.Again = true;
                    pending.Notification = notification;
                    return true;
                }
            }

            var created = new PendingCheck(notification);
            if (_pending.TryAdd(key, created))
            {
                _ = RunAsync(route, key, created);
                return true;
            }
        }
    }

    private async Task RunAsync(ProviderRoute route, SecretReference key, PendingCheck pending)
    {
        try
        {
            while (true)
            {
                var delay = _options.ChangeNotificationMaxDelay * Math.Clamp(_options.Randomizer(), 0, 1);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _clock.Time, _lifetime.Token).ConfigureAwait(false);
                }
                else
                {
                    await Task.Yield();
                }

                SecretChangeNotification notification;
                lock (pending)
                {
                    pending.Running = true;
                    notification = pending.Notification;
                }

                await CheckAsync(route, key, notification).ConfigureAwait(false);
                lock (pending)
                {
                    if (!pending.Again)
                    {
                        pending.Done = true;
                        _pending.TryRemove(new KeyValuePair<SecretReference, PendingCheck>(key, pending));
                        return;
                    }

                    pending.Again = false;
                    pending.Running = false;
                }
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // The store is being disposed.
        }
        catch (ObjectDisposedException)
        {
            // The store was disposed while the check waited.
        }
    }

    /// <summary>
    /// Marks the entry due and runs the store's refresh flight for it. When a flight is already running (a read or the
    /// background refresh) it may have read the backend before the change, so it is awaited and one more is started.
    /// </summary>
    private async Task CheckAsync(ProviderRoute route, SecretReference key, SecretChangeNotification notification)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (!_index.TryGet(key, out var entry) || entry.Secret is null)
            {
                return; // Evicted or removed meanwhile: nothing held, nothing to check.
            }

            // A notification naming a version other than the one held (for the plain reference, which follows the newest)
            // already says what the version check would: fetch at once. A forged or out-of-order version costs that one
            // fetch, which returns the backend's current value, so nothing wrong ever lands.
            var skipVersionCheck = notification.Version is not null
                && key.Stage is null
                && !string.Equals(notification.Version, entry.Secret.Properties.Version, StringComparison.Ordinal);
            entry.MarkDue(_clock.NowTicks());
            if (_fetcher.TryRefresh(route, key, skipVersionCheck) is { } flight)
            {
                var outcome = await flight.ConfigureAwait(false);
                Record(route, key, notification, outcome);
                return;
            }

            await _fetcher.Fetch(route, key).ConfigureAwait(false);
        }
    }

    private void Record(ProviderRoute route, SecretReference key, SecretChangeNotification notification, FlightOutcome outcome)
    {
        var lag = notification.EventTime is { } at ? _clock.Time.GetUtcNow() - at : (TimeSpan?)null;
        if (outcome.Error is { } error)
        {
            _audit.Record(route, key, SecretAccessKind.ChangeNotification, StoreAuditor.OutcomeOf(error), notification.Version, error.GetType().Name);
            NotificationLog.CheckFailed(_logger, route.Name, key.Path, error.GetType().Name);
            _metrics.Applied(route.Name, notification, changed: false, lag);
            return;
        }

        var version = outcome.Entry?.Secret?.Properties.Version;
        _audit.Record(route, key, SecretAccessKind.ChangeNotification, SecretAuditOutcome.Success, version, errorType: null);
        NotificationLog.Applied(_logger, notification.EventType, route.Name, key.Path, version, outcome.Changed);
        _metrics.Applied(route.Name, notification, outcome.Changed, lag);
    }

    /// <summary>One secret's check: waiting out its delay, or running (then <see cref="Again"/> asks for one more). Guarded by locking it.</summary>
    private sealed class PendingCheck(SecretChangeNotification notification)
    {
        public SecretChangeNotification Notification { get; set; } = notification;

        public bool Running { get; set; }

        public bool Again { get; set; }

        public bool Done { get; set; }
    }
}

using Microsoft.Extensions.Logging;

namespace Secrets.Client;

/// <summary>
/// Where every fetch and refresh ends, whichever path brought it: version order (an entry is only replaced by a value
/// at least as new), freshness times, not-found and access-denied as answers (removed, wiped, reported), stale-if-error
/// on failures, and the refresh's audit, logs and change notifications.
/// </summary>
internal sealed class FetchLanding
{
    private readonly SecretCacheIndex _index;
    private readonly StoreClock _clock;
    private readonly SecretStoreOptions _options;
    private readonly StoreAuditor _audit;
    private readonly ILogger _logger;
    private readonly SecretStoreDiagnostics _diagnostics;
    private readonly SecretChangeTracker _changes;
    private int _unlockedMemoryReported;

    public FetchLanding(SecretCacheIndex index, StoreClock clock, SecretStoreOptions options, StoreAuditor audit, ILogger logger, SecretStoreDiagnostics diagnostics, SecretChangeTracker changes)
    {
        _index = index;
        _clock = clock;
        _options = options;
        _audit = audit;
        _logger = logger;
        _diagnostics = diagnostics;
        _changes = changes;
    }

    /// <summary>Gets the entry holding a value for the key, if any.</summary>
    public CacheEntry? Held(SecretReference key) => _index.TryGet(key, out var entry) && entry.Secret is not null ? entry : null;

    /// <summary>The version check found the held value current: it is fresh again.</summary>
    public FlightOutcome Confirm(Flight flight, CacheEntry held)
    {
        SetFresh(flight.Route, held, _clock.NowTicks());
        _audit.Success(flight.Route, flight.Key, SecretAccessKind.Refresh, held.Secret!.Properties.Version);
        return new FlightOutcome(held, null, false);
    }

    /// <summary>A value arrived (alone or in a batch).</summary>
    public FlightOutcome Land(Flight flight, Secret secret, SecretAccessKind kind)
    {
        secret.Value.TransferToStore();
        if ((secret.Value.Protection & SecretMemoryProtection.LockedInMemory) == 0 && Interlocked.Exchange(ref _unlockedMemoryReported, 1) == 0)
        {
            Log.MemoryNotLocked(_logger, secret.Value.Protection);
        }

        var (route, key) = (flight.Route, flight.Key);
        var now = _clock.NowTicks();
        var entry = CacheEntry.ForSecret(secret);
        SetFresh(route, entry, now);
        entry.Touch(now);
        CacheEntry? previous;
        lock (flight)
        {
            _index.TryGet(key, out previous);
            var held = previous?.Secret;
            if (held is not null && VersionOrder.AppliesTo(key) && VersionOrder.IsOlder(secret.Properties, held.Properties))
            {
                // A late or lagging answer: keep the newer value already served, and ask again later.
                entry.Release();
                previous!.MarkFailed(previous.LastError ?? new SecretUnavailableException(route.Name, key.Path, "The provider returned an older version than the one cached."), now + _options.FailedRefreshRetryInterval.Ticks);
                Log.OlderVersionIgnored(_logger, route.Name, key.Path, secret.Properties.Version, held.Properties.Version);
                return new FlightOutcome(previous, null, false);
            }

            if (flight.Detached)
            {
                // Invalidated while in flight: those waiting get the value, the cache does not.
                _index.ReleaseLater(entry);
                return new FlightOutcome(entry, null, false);
            }

            Replace(key, previous, entry);
        }

        Log.Fetched(_logger, route.Name, key.Path, secret.Properties.Version);
        var old = previous?.Secret;
        bool changed;
        if (old is not null)
        {
            changed = secret.Properties.ChangeToken is null
                ? !secret.Value.ContentEquals(old.Value)
                : !string.Equals(secret.Properties.ChangeToken, old.Properties.ChangeToken, StringComparison.Ordinal);
            _changes.ObserveHeld(key, secret.Properties);
        }
        else
        {
            // Not held (first fetch, or after eviction or invalidation): a watched secret compares with what was last seen.
            changed = _changes.ObserveUnheld(key, secret.Properties);
        }
        if (kind == SecretAccessKind.Refresh)
        {
            _audit.Success(route, key, SecretAccessKind.Refresh, secret.Properties.Version);
        }

        if (changed)
        {
            Log.Rotated(_logger, route.Name, key.Path, old?.Properties.Version, secret.Properties.Version);
            _changes.Raise(new SecretChangedEventArgs(key, secret.Properties));
        }

        return new FlightOutcome(entry, null, changed);
    }

    /// <summary>The provider failed, or answered that the secret is gone.</summary>
    public FlightOutcome Fail(Flight flight, SecretStoreException error, SecretAccessKind kind)
    {
        var (route, key) = (flight.Route, flight.Key);
        var now = _clock.NowTicks();
        var held = Held(key);
        if (held is not null)
        {
            _audit.Failure(route, key, SecretAccessKind.Refresh, error);
        }

        if (error is not (SecretNotFoundException or SecretAccessDeniedException))
        {
            if (held is null)
            {
                return new FlightOutcome(null, error, false);
            }

            held.MarkFailed(error, now + _options.FailedRefreshRetryInterval.Ticks);
            Log.RefreshFailed(_logger, route.Name, key.Path, error.GetType().Name, error.Message);
            return new FlightOutcome(held, error, false);
        }

        var grace = _options.RemovedSecretGracePeriod.Ticks;
        if (held is not null && grace > 0)
        {
            if (held.RemoveAtTicks == long.MaxValue)
            {
                held.MarkRemoving(error, now, now + grace, now + Math.Min(grace, _options.FailedRefreshRetryInterval.Ticks));
                return new FlightOutcome(held, null, false);
            }

            if (now < held.RemoveAtTicks)
            {
                return new FlightOutcome(held, null, false);
            }
        }

        // An answer, not an outage: stop serving the value, wipe it, remember the answer briefly, and report it.
        var gone = CacheEntry.ForGone(error, now + _options.NegativeCacheDuration.Ticks);
        lock (flight)
        {
            if (!flight.Detached)
            {
                _index.TryGet(key, out var current);
                if (_options.NegativeCacheDuration > TimeSpan.Zero)
                {
                    Replace(key, current, gone);
                }
                else if (current is not null)
                {
                    _index.TryRemove(key, current, "removed at the backend");
                }
            }
        }

        var news = _changes.ObserveRemoved(key) || held is not null;
        if (news)
        {
            _diagnostics.Removals.Add(1, route.NameTag, new KeyValuePair<string, object?>("error.type", error.GetType().Name));
            Log.Removed(_logger, route.Name, key.Path, error.GetType().Name);
            _changes.Raise(new SecretChangedEventArgs(key, held?.Secret!.Properties ?? new SecretProperties(route.Name, key.Path), SecretChangeKind.Removed, error));
        }

        return new FlightOutcome(gone, null, news);
    }

    private void Replace(SecretReference key, CacheEntry? current, CacheEntry next)
    {
        // Only the flight for this key writes it, so a failed swap means eviction or expiry removed the entry meanwhile.
        while (!_index.TryReplace(key, current, next))
        {
            _index.TryGet(key, out current);
        }
    }

    private void SetFresh(ProviderRoute route, CacheEntry entry, long now)
    {
        var duration = (route.Provider.Options.CacheDuration ?? _options.CacheDuration).Ticks;
        var jitter = 1 - (_options.RefreshJitter * _options.Randomizer());
        var expires = now + duration;
        entry.SetFresh(now + (long)(duration * _options.RefreshAheadRatio * jitter), expires, expires + _options.MaxStaleness.Ticks);
    }
}

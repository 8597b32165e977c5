namespace Secrets.Client;

/// <summary>
/// Refreshes every held secret whose next attempt is due, even if nobody reads it, so that rotations and removals are
/// noticed; and checks the version of every watched secret whose value is not held (evicted, invalidated, never read
/// by the store), so that a watched secret stays watched whatever the cache does. A secret whose fetch or refresh is
/// already in flight is left to it, and a flight re-checks that its secret is still due before calling the provider,
/// so overlapping runs check each secret once.
/// </summary>
internal sealed class SecretRefresher(SecretRouter router, SecretCacheIndex index, SecretFetcher fetcher, SecretChangeTracker changes, StoreAuditor audit, StoreClock clock, SecretStoreOptions options)
{
    public async ValueTask<int> RefreshAsync(CancellationToken cancellationToken)
    {
        var now = clock.NowTicks();
        var due = new List<(ProviderRoute Route, SecretReference Key, bool Held)>();
        foreach (var (key, entry) in index.Entries)
        {
            if (now >= entry.ServeUntilTicks)
            {
                index.TryRemove(key, entry, "expired");
            }
            else if (entry.Secret is not null && now >= entry.NextAttemptTicks && router.TryGetRoute(key.Provider!, out var route))
            {
                due.Add((route, key, true));
            }
        }

        foreach (var (key, state) in changes.Watched)
        {
            if (now >= state.NextCheckTicks && !(index.TryGet(key, out var entry) && entry.Secret is not null) && !fetcher.IsInFlight(key) && router.TryGetRoute(key.Provider!, out var route))
            {
                state.NextCheckTicks = now + CheckInterval(route);
                due.Add((route, key, false));
            }
        }

        if (due.Count == 0)
        {
            return 0;
        }

        var changed = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrency, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            if (item.Held
                ? fetcher.TryRefresh(item.Route, item.Key) is { } flight && (await flight.WaitAsync(ct).ConfigureAwait(false)).Changed
                : await CheckWatchedAsync(item.Route, item.Key, ct).ConfigureAwait(false))
            {
                Interlocked.Increment(ref changed);
            }
        }).ConfigureAwait(false);
        return changed;
    }

    /// <summary>
    /// A version check of a watched secret whose value is not held: a new version or a removal is raised as a change
    /// (holders read the new value through the store); no value enters the cache here.
    /// </summary>
    private async ValueTask<bool> CheckWatchedAsync(ProviderRoute route, SecretReference key, CancellationToken cancellationToken)
    {
        SecretProperties properties;
        try
        {
            properties = await route.CallAsync(static (provider, key, ct) => provider.GetPropertiesAsync(key, ct), key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = SecretResiliencePipelines.ToSecretError(ex, route.Name, key.Path);
            audit.Failure(route, key, SecretAccessKind.Refresh, error);
            if ((error is SecretNotFoundException or SecretAccessDeniedException) && changes.ObserveRemoved(key))
            {
                changes.Raise(new SecretChangedEventArgs(key, new SecretProperties(route.Name, key.Path), SecretChangeKind.Removed, error));
                return true;
            }

            return false;
        }

        audit.Success(route, key, SecretAccessKind.Refresh, properties.Version);
        if (!changes.ObserveUnheld(key, properties))
        {
            return false;
        }

        if (index.TryGet(key, out var gone) && gone.Secret is null)
        {
            // Back after a removal: forget the cached "gone" answer so that readers fetch it.
            index.TryRemove(key, gone, "back at the backend");
        }

        changes.Raise(new SecretChangedEventArgs(key, properties));
        return true;
    }

    private long CheckInterval(ProviderRoute route) =>
        (long)((route.Provider.Options.CacheDuration ?? options.CacheDuration).Ticks * options.RefreshAheadRatio);
}

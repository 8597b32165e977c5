namespace Secrets.Client;

/// <summary>
/// Refreshes every held secret whose next attempt is due, even if nobody reads it, so that rotations and removals are
/// noticed. A secret whose fetch or refresh is already in flight is left to it, and a flight re-checks that its secret
/// is still due before calling the provider, so overlapping runs check each secret once.
/// </summary>
internal sealed class SecretRefresher(SecretRouter router, SecretCacheIndex index, SecretFetcher fetcher, StoreClock clock, int maxConcurrency)
{
    public async ValueTask<int> RefreshAsync(CancellationToken cancellationToken)
    {
        var now = clock.NowTicks();
        var due = new List<(ProviderRoute Route, SecretReference Key)>();
        foreach (var (key, entry) in index.Entries)
        {
            if (now >= entry.ServeUntilTicks)
            {
                index.TryRemove(key, entry, "expired");
            }
            else if (entry.Secret is not null && now >= entry.NextAttemptTicks && router.TryGetRoute(key.Provider!, out var route))
            {
                due.Add((route, key));
            }
        }

        var changed = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            if (fetcher.TryRefresh(item.Route, item.Key) is { } flight && (await flight.WaitAsync(ct).ConfigureAwait(false)).Changed)
            {
                Interlocked.Increment(ref changed);
            }
        }).ConfigureAwait(false);
        return changed;
    }
}

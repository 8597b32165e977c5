namespace Secrets.Client;

/// <summary>
/// Decides what a read is served: fresh (no clock but one tick read, no allocation), refresh-ahead (served while a
/// refresh runs), stale (served when refreshing failed or did not finish within
/// <see cref="SecretStoreOptions.StaleFallbackDelay"/>, up to <see cref="SecretStoreOptions.MaxStaleness"/>), or
/// fetched (joining the flight for the key, bounded by <see cref="SecretStoreOptions.ReadTimeout"/>). Bulk reads
/// start batched flights for their misses and then read each reference exactly like a single read.
/// </summary>
internal sealed class SecretReader
{
    private readonly object _owner;
    private readonly SecretRouter _router;
    private readonly SecretCacheIndex _index;
    private readonly SecretFetcher _fetcher;
    private readonly StoreAuditor _audit;
    private readonly SecretStoreDiagnostics _diagnostics;
    private readonly StoreClock _clock;
    private readonly TimeSpan _readTimeout;
    private readonly TimeSpan _staleFallback;

    public SecretReader(object owner, SecretRouter router, SecretCacheIndex index, SecretFetcher fetcher, StoreAuditor audit, SecretStoreDiagnostics diagnostics, StoreClock clock, SecretStoreOptions options)
    {
        _owner = owner;
        _router = router;
        _index = index;
        _fetcher = fetcher;
        _audit = audit;
        _diagnostics = diagnostics;
        _clock = clock;
        _readTimeout = options.ReadTimeout;
        _staleFallback = options.StaleFallbackDelay < options.ReadTimeout ? options.StaleFallbackDelay : options.ReadTimeout;
    }

    public ValueTask<Secret> ReadAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        var (route, key) = _router.Resolve(reference, _owner);
        if (_index.TryGet(key, out var entry) && entry.Secret is not null)
        {
            var now = _clock.NowTicks();
            if (now < entry.RefreshAtTicks)
            {
                entry.Touch(now);
                return new ValueTask<Secret>(Serve(route, reference, entry, SecretAccessKind.CacheHit, SecretAuditOutcome.Success));
            }
        }

        return ReadSlowAsync(route, key, reference, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<SecretResult>> ReadManyAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken)
    {
        var results = new SecretResult?[references.Count];
        var routes = new (ProviderRoute Route, SecretReference Key)[references.Count];
        var misses = new Dictionary<ProviderRoute, HashSet<SecretReference>>();
        var now = _clock.NowTicks();
        for (var i = 0; i < references.Count; i++)
        {
            var reference = references[i] ?? throw new ArgumentException("A reference is null.", nameof(references));
            try
            {
                routes[i] = _router.Resolve(reference, _owner);
                if (!_index.TryGet(routes[i].Key, out var entry) || now >= entry.ServeUntilTicks)
                {
                    if (!misses.TryGetValue(routes[i].Route, out var keys))
                    {
                        misses[routes[i].Route] = keys = [];
                    }

                    keys.Add(routes[i].Key);
                }
            }
            catch (SecretStoreException ex)
            {
                results[i] = SecretResult.Failure(reference, ex);
            }
        }

        // Misses are fetched in batches; each reference is then read exactly as a single read would be.
        var flights = new Dictionary<SecretReference, Task<FlightOutcome>>();
        foreach (var (route, keys) in misses)
        {
            foreach (var (key, flight) in _fetcher.Prefetch(route, keys))
            {
                flights[key] = flight;
            }
        }

        var pending = new List<(int Index, Task<Secret> Read)>();
        for (var i = 0; i < references.Count; i++)
        {
            if (results[i] is null)
            {
                var (route, key) = routes[i];
                pending.Add((i, flights.TryGetValue(key, out var flight)
                    ? AwaitMissAsync(route, key, references[i], flight, cancellationToken).AsTask()
                    : ReadAsync(references[i], cancellationToken).AsTask()));
            }
        }

        foreach (var (i, read) in pending)
        {
            try
            {
                results[i] = SecretResult.Success(references[i], await read.ConfigureAwait(false));
            }
            catch (SecretStoreException ex)
            {
                results[i] = SecretResult.Failure(references[i], ex);
            }
        }

        return results!;
    }

    private async ValueTask<Secret> ReadSlowAsync(ProviderRoute route, SecretReference key, SecretReference reference, CancellationToken cancellationToken)
    {
        // A caller that gave up already starts no backend call (a cached value was served above without a check).
        cancellationToken.ThrowIfCancellationRequested();
        var now = _clock.NowTicks();
        if (_index.TryGet(key, out var entry))
        {
            if (entry.Gone is { } gone)
            {
                if (now < entry.ExpiresAtTicks)
                {
                    _audit.Failure(route, reference, SecretAccessKind.CacheHit, gone);
                    throw gone;
                }
            }
            else if (now < entry.RemoveAtTicks && now < entry.ServeUntilTicks)
            {
                entry.Touch(now);
                if (now < entry.RefreshAtTicks)
                {
                    return Serve(route, reference, entry, SecretAccessKind.CacheHit, SecretAuditOutcome.Success);
                }

                if (now < entry.ExpiresAtTicks || entry.IsFailing)
                {
                    // Refresh-ahead, or stale-if-error once refreshing failed: never wait on the provider.
                    if (now >= entry.NextAttemptTicks)
                    {
                        _ = _fetcher.Fetch(route, key);
                    }

                    return Serve(route, reference, entry, SecretAccessKind.CacheHit, now < entry.ExpiresAtTicks ? SecretAuditOutcome.Success : SecretAuditOutcome.StaleServed);
                }

                // Expired, no failure known yet: give the refresh a short while, then serve the value as stale.
                return await AwaitMissAsync(route, key, reference, _fetcher.Fetch(route, key), cancellationToken, fallback: entry).ConfigureAwait(false);
            }
        }

        return await AwaitMissAsync(route, key, reference, _fetcher.Fetch(route, key), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A read the cache could not answer: waits on the key's flight, within the read timeout (or the stale fallback delay when a last good value exists).</summary>
    private async ValueTask<Secret> AwaitMissAsync(ProviderRoute route, SecretReference key, SecretReference reference, Task<FlightOutcome> flight, CancellationToken cancellationToken, CacheEntry? fallback = null)
    {
        _diagnostics.CacheMisses.Add(1, route.NameTag);
        FlightOutcome outcome;
        try
        {
            outcome = await flight.WaitAsync(fallback is null ? _readTimeout : _staleFallback, _clock.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            if (fallback is not null)
            {
                return Serve(route, reference, fallback, SecretAccessKind.Fetch, SecretAuditOutcome.StaleServed);
            }

            var timeout = new SecretUnavailableException(route.Name, key.Path, $"No answer within the read timeout of {_readTimeout.TotalSeconds:0.###} s.");
            _audit.Failure(route, reference, SecretAccessKind.Fetch, timeout);
            throw timeout;
        }

        return ServeOutcome(route, reference, outcome, fallback);
    }

    private Secret ServeOutcome(ProviderRoute route, SecretReference reference, FlightOutcome outcome, CacheEntry? fallback)
    {
        var now = _clock.NowTicks();
        if (outcome.Entry is { Gone: { } gone })
        {
            _audit.Failure(route, reference, SecretAccessKind.Fetch, gone);
            throw gone;
        }

        if (outcome.Error is null && outcome.Entry is { Secret: not null } served)
        {
            return Serve(route, reference, served, SecretAccessKind.Fetch, now >= served.ExpiresAtTicks && served.IsFailing ? SecretAuditOutcome.StaleServed : SecretAuditOutcome.Success);
        }

        var stale = outcome.Entry ?? fallback;
        if (stale is { Secret: not null } && now < stale.ServeUntilTicks && now < stale.RemoveAtTicks)
        {
            return Serve(route, reference, stale, SecretAccessKind.Fetch, now < stale.ExpiresAtTicks ? SecretAuditOutcome.Success : SecretAuditOutcome.StaleServed);
        }

        var error = outcome.Error ?? new SecretUnavailableException(route.Name, reference.Path, "Refreshing it failed.");
        _audit.Failure(route, reference, SecretAccessKind.Fetch, error);
        throw error;
    }

    private Secret Serve(ProviderRoute route, SecretReference reference, CacheEntry entry, SecretAccessKind kind, SecretAuditOutcome outcome)
    {
        Secret secret;
        try
        {
            secret = reference.Field is null ? entry.Secret! : entry.GetField(reference.Field);
        }
        catch (SecretFormatException ex)
        {
            var error = new SecretFormatException(route.Name, reference.Path, ex.Message, ex);
            _audit.Failure(route, reference, kind, error);
            throw error;
        }

        if (_diagnostics.Reads.Enabled || _diagnostics.CacheHits.Enabled || outcome == SecretAuditOutcome.StaleServed)
        {
            _diagnostics.Reads.Add(1, route.NameTag);
            if (kind == SecretAccessKind.CacheHit)
            {
                _diagnostics.CacheHits.Add(1, route.NameTag);
            }

            if (outcome == SecretAuditOutcome.StaleServed)
            {
                _diagnostics.StaleServes.Add(1, route.NameTag);
            }
        }

        if (_audit.IsEnabled(kind, outcome))
        {
            _audit.Record(route, reference, kind, outcome, secret.Properties.Version, errorType: null);
        }

        return secret;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace Secrets.Client;

/// <summary>
/// The one fetch path, for one reference or many: single-flight per key (a bulk load joins fetches in flight and a
/// single read joins a bulk load's), a version check before fetching a held value again (unless a change notification
/// already named another version), then one provider call per
/// secret or per batch. Every secret that arrives, alone or in a batch, lands through <see cref="FetchLanding"/>.
/// </summary>
internal sealed class SecretFetcher : IDisposable
{
    private readonly ConcurrentDictionary<SecretReference, Flight> _flights = new();
    private readonly FetchLanding _landing;
    private readonly SecretStoreDiagnostics _diagnostics;
    private readonly StoreClock _clock;
    private readonly SemaphoreSlim _bulkGate;
    private readonly CancellationTokenSource _lifetime = new();

    public SecretFetcher(FetchLanding landing, SecretStoreDiagnostics diagnostics, StoreClock clock, int maxConcurrency)
    {
        _landing = landing;
        _diagnostics = diagnostics;
        _clock = clock;
        _bulkGate = new SemaphoreSlim(maxConcurrency, maxConcurrency);
    }

    public bool IsInFlight(SecretReference key) => _flights.ContainsKey(key);

    /// <summary>Joins the flight for a key, or starts one (a version check first when a value is held and due).</summary>
    public Task<FlightOutcome> Fetch(ProviderRoute route, SecretReference key)
    {
        if (_flights.TryGetValue(key, out var running))
        {
            return running.Task;
        }

        var flight = new Flight(route, key);
        var winner = _flights.GetOrAdd(key, flight);
        if (ReferenceEquals(winner, flight))
        {
            _ = RunAsync(flight);
        }

        return winner.Task;
    }

    /// <summary>
    /// Starts a refresh unless one is in flight (then the caller leaves it to that one): null when skipped. With
    /// <paramref name="skipVersionCheck"/> a held value is fetched again directly (the caller already knows the version moved).
    /// </summary>
    public Task<FlightOutcome>? TryRefresh(ProviderRoute route, SecretReference key, bool skipVersionCheck = false)
    {
        var flight = new Flight(route, key) { SkipVersionCheck = skipVersionCheck };
        if (!_flights.TryAdd(key, flight))
        {
            return null;
        }

        _ = RunAsync(flight);
        return flight.Task;
    }

    /// <summary>
    /// Starts flights for the keys not in flight, fetched in batches of the provider's size under the store-wide bulk
    /// bound, and returns the flight each key's readers await (one already in flight is joined).
    /// </summary>
    public Dictionary<SecretReference, Task<FlightOutcome>> Prefetch(ProviderRoute route, IEnumerable<SecretReference> keys)
    {
        var flights = new Dictionary<SecretReference, Task<FlightOutcome>>();
        var started = new List<Flight>();
        foreach (var key in keys)
        {
            var flight = new Flight(route, key);
            var winner = _flights.GetOrAdd(key, flight);
            flights[key] = winner.Task;
            if (ReferenceEquals(winner, flight))
            {
                started.Add(flight);
            }
        }

        foreach (var chunk in started.Chunk(Math.Max(1, route.Provider.MaxBatchSize)))
        {
            _ = RunBatchAsync(route, chunk);
        }

        return flights;
    }

    /// <summary>Invalidation: a flight in progress still answers those waiting on it but no longer writes the cache.</summary>
    public void Detach(SecretReference key)
    {
        if (_flights.TryRemove(key, out var flight))
        {
            lock (flight)
            {
                flight.Detached = true;
            }
        }
    }

    /// <summary>Gets the keys with a flight in progress for one secret (any stage or version), so that they can be detached.</summary>
    public IEnumerable<SecretReference> KeysInFlight(string provider, string path) =>
        _flights.Keys.Where(key => string.Equals(key.Provider, provider, StringComparison.Ordinal) && string.Equals(key.Path, path, StringComparison.Ordinal));

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
        _bulkGate.Dispose();
    }

    private async Task RunAsync(Flight flight)
    {
        try
        {
            var held = _landing.Held(flight.Key);
            if (held is not null)
            {
                if (_clock.NowTicks() < held.NextAttemptTicks)
                {
                    // Refreshed meanwhile (overlapping refresh runs, a read that raced one): nothing is due.
                    Finish(flight, new FlightOutcome(held, null, false));
                    return;
                }
            }

            if (held is not null && !flight.SkipVersionCheck)
            {
                SecretProperties latest;
                try
                {
                    latest = await flight.Route.CallAsync(static (provider, key, ct) => provider.GetPropertiesAsync(key, ct), flight.Key, _lifetime.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!_lifetime.IsCancellationRequested)
                {
                    Finish(flight, _landing.Fail(flight, CountError(flight.Route, ex, flight.Key), SecretAccessKind.Refresh));
                    return;
                }

                if (latest.ChangeToken is not null && string.Equals(latest.ChangeToken, held.Secret!.Properties.ChangeToken, StringComparison.Ordinal))
                {
                    Finish(flight, _landing.Confirm(flight, held));
                    return;
                }
            }

            await FetchValuesAsync(flight.Route, [flight], held is null ? SecretAccessKind.Fetch : SecretAccessKind.Refresh).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever happens, the flight ends with an outcome: its waiters must never hang.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Finish(flight, new FlightOutcome(null, SecretResiliencePipelines.ToSecretError(ex, flight.Route.Name, flight.Key.Path), false));
        }
    }

    private async Task RunBatchAsync(ProviderRoute route, Flight[] chunk)
    {
        try
        {
            await _bulkGate.WaitAsync(_lifetime.Token).ConfigureAwait(false);
            try
            {
                await FetchValuesAsync(route, chunk, SecretAccessKind.Fetch).ConfigureAwait(false);
            }
            finally
            {
                _bulkGate.Release();
            }
        }
#pragma warning disable CA1031 // Whatever happens, every flight ends with an outcome.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            foreach (var flight in chunk)
            {
                Finish(flight, new FlightOutcome(null, SecretResiliencePipelines.ToSecretError(ex, route.Name, flight.Key.Path), false));
            }
        }
    }

    /// <summary>One provider call for one secret (<c>GetSecretAsync</c>) or several (<c>GetSecretsAsync</c>); each secret then lands alike.</summary>
    private async Task FetchValuesAsync(ProviderRoute route, Flight[] flights, SecretAccessKind kind)
    {
        using var activity = SecretStoreDiagnostics.ActivitySource.StartActivity("secrets.fetch", ActivityKind.Client);
        activity?.SetTag("secrets.provider", route.Name);
        activity?.SetTag("secrets.access", kind.ToString());
        activity?.SetTag("secrets.count", flights.Length);
        if (flights.Length == 1)
        {
            activity?.SetTag("secrets.name", flights[0].Key.Path);
        }

        var started = _clock.Time.GetTimestamp();
        IReadOnlyList<SecretResult> results;
        try
        {
            if (flights.Length == 1)
            {
                var secret = await route.CallAsync(static (provider, key, ct) => provider.GetSecretAsync(key, ct), flights[0].Key, _lifetime.Token).ConfigureAwait(false);
                results = [SecretResult.Success(flights[0].Key, secret)];
            }
            else
            {
                var keys = flights.Select(flight => flight.Key).ToArray();
                results = await route.CallAsync(static (provider, keys, ct) => provider.GetSecretsAsync(keys, ct), keys, _lifetime.Token).ConfigureAwait(false);
                if (results.Count != flights.Length)
                {
                    throw new SecretStoreException($"Provider '{route.Name}' returned {results.Count} results for {flights.Length} references.", route.Name, null);
                }
            }
        }
        catch (Exception ex) when (!_lifetime.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            foreach (var flight in flights)
            {
                Finish(flight, _landing.Fail(flight, CountError(route, ex, flight.Key), kind));
            }

            return;
        }

        var seconds = _clock.Time.GetElapsedTime(started).TotalSeconds;
        for (var i = 0; i < flights.Length; i++)
        {
            if (results[i].Secret is { } secret)
            {
                _diagnostics.FetchDuration.Record(seconds, route.NameTag);
                activity?.SetTag("secrets.version", flights.Length == 1 ? secret.Properties.Version : null);
                Finish(flights[i], _landing.Land(flights[i], secret, kind));
            }
            else
            {
                Finish(flights[i], _landing.Fail(flights[i], CountError(route, results[i].Error!, flights[i].Key), kind));
            }
        }
    }

    private SecretStoreException CountError(ProviderRoute route, Exception exception, SecretReference key)
    {
        var error = SecretResiliencePipelines.ToSecretError(exception, route.Name, key.Path);
        _diagnostics.Errors.Add(1, route.NameTag, new KeyValuePair<string, object?>("error.type", error.GetType().Name));
        return error;
    }

    /// <summary>Ends a flight: the cache already holds its result, so later readers find it there rather than here.</summary>
    private void Finish(Flight flight, FlightOutcome outcome)
    {
        _flights.TryRemove(new KeyValuePair<SecretReference, Flight>(flight.Key, flight));
        flight.Complete(outcome);
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Client;

/// <summary>The package's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <c>Secrets.Client</c>.</summary>
internal sealed class SecretStoreDiagnostics : IDisposable
{
    public const string Name = "Secrets.Client";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;

    public SecretStoreDiagnostics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Reads = _meter.CreateCounter<long>("secrets.client.reads", "{read}", "Secret reads, cached or not.");
        CacheHits = _meter.CreateCounter<long>("secrets.client.cache.hits", "{read}", "Reads served from the cache.");
        CacheMisses = _meter.CreateCounter<long>("secrets.client.cache.misses", "{read}", "Reads that had to go to a provider.");
        Errors = _meter.CreateCounter<long>("secrets.client.errors", "{error}", "Failed provider calls, by error type.");
        StaleServes = _meter.CreateCounter<long>("secrets.client.stale_serves", "{read}", "Reads served a last good value because the provider failed.");
        Removals = _meter.CreateCounter<long>("secrets.client.removals", "{secret}", "Cached secrets removed because the provider said they no longer exist or may not be read.");
        FetchDuration = _meter.CreateHistogram<double>("secrets.client.fetch.duration", "s", "Time to fetch a secret from its provider, retries included.");
        SecretMemoryMetrics.Register(_meter, SecretMemoryPool.Shared);
    }

    /// <summary>Gets the meter, for parts that add their own instruments (change notifications).</summary>
    public Meter Meter => _meter;

    public Counter<long> Reads { get; }

    public Counter<long> CacheHits { get; }

    public Counter<long> CacheMisses { get; }

    public Counter<long> Errors { get; }

    public Counter<long> StaleServes { get; }

    public Counter<long> Removals { get; }

    public Histogram<double> FetchDuration { get; }

    public void Dispose() => _meter.Dispose();
}

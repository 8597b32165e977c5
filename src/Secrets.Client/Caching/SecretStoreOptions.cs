using Microsoft.Extensions.Options;

namespace Secrets.Client;

/// <summary>Options of a <see cref="SecretStore"/>: caching, refresh, staleness, concurrency and the environment.</summary>
public class SecretStoreOptions
{
    /// <summary>Gets or sets the provider used by references that name none. Default: the only provider, when there is one.</summary>
    public string? DefaultProvider { get; set; }

    /// <summary>
    /// Gets or sets the application environment (for example <c>Development</c> or <c>Production</c>), used for scoping
    /// and audit. When hosted, the host's environment; otherwise see <see cref="SecretEnvironment.Resolve(string?)"/>
    /// (Production unless the hosting variables say otherwise).
    /// </summary>
    public string? Environment { get; set; }

    /// <summary>Gets or sets how long a value is fresh. Default 5 minutes; a provider's own setting wins.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the fraction of <see cref="CacheDuration"/> after which a read triggers a background refresh while
    /// still serving the cached value. Default 0.8.
    /// </summary>
    public double RefreshAheadRatio { get; set; } = 0.8;

    /// <summary>Gets or sets the random spread applied to refresh times, as a fraction of the duration. Default 0.1.</summary>
    public double RefreshJitter { get; set; } = 0.1;

    /// <summary>
    /// Gets or sets how long past expiry the last good value may still be served when the provider fails
    /// (stale-if-error). Default 1 hour; <see cref="TimeSpan.Zero"/> disables stale serving.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how long a failed background refresh waits before trying again. Default 30 seconds.</summary>
    public TimeSpan FailedRefreshRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long a not-found answer is cached. Default 10 seconds; zero disables it.</summary>
    public TimeSpan NegativeCacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the most secrets held at once; the least recently used beyond it are evicted and wiped. Default 10,000.</summary>
    public int MaxCachedSecrets { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how long a replaced or evicted value stays readable by callers that got it just before, before it
    /// is wiped (open leases always keep it). Default 10 seconds.
    /// </summary>
    public TimeSpan EvictionGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how often the hosted background service refreshes due secrets (version check, fetch on change),
    /// so that rotation is seen even for secrets nobody reads. Default 30 seconds.
    /// </summary>
    public TimeSpan BackgroundRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the most provider calls a bulk load runs at once. Default 32: enough to load 1,000 secrets from a
    /// backend without a batch API more than 20 times faster than one by one, well within every cloud's rate limits.
    /// </summary>
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>
    /// Gets or sets the longest any read waits on its provider (retries included) before it fails as unavailable or,
    /// when a last good value exists, is served that value. Default 10 seconds.
    /// </summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how long a read of an expired value waits for its refresh before it is served the last good value
    /// as stale (within <see cref="MaxStaleness"/>). Once a refresh failed, reads do not wait at all. Default 1 second.
    /// </summary>
    public TimeSpan StaleFallbackDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how long a cached value is still served after the backend first said it does not exist or may not
    /// be read (to ride out a backend's eventual consistency). Default zero: the first such answer removes and wipes
    /// it, and raises <see cref="SecretStore.SecretChanged"/> with <see cref="SecretChangeKind.Removed"/>.
    /// </summary>
    public TimeSpan RemovedSecretGracePeriod { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Gets or sets the bound of the random delay before a change notification's version check (see
    /// <see cref="SecretStore.ProcessChangeNotificationAsync"/>), so that a fleet told of a rotation at once spreads its
    /// calls to the backend. Default zero (check at once), right for one instance; fleets set a few seconds (see
    /// <c>docs/rotation.md</c>).
    /// </summary>
    public TimeSpan ChangeNotificationMaxDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Gets or sets the source of randomness for jitter, returning values in [0, 1). Tests make it deterministic.</summary>
    public Func<double> Randomizer { get; set; } = Random.Shared.NextDouble;

    internal void Validate()
    {
        var failures = new List<string>();
        Check(CacheDuration > TimeSpan.Zero, nameof(CacheDuration), "must be positive");
        Check(RefreshAheadRatio is > 0 and <= 1, nameof(RefreshAheadRatio), "must be in (0, 1]");
        Check(RefreshJitter is >= 0 and < 1, nameof(RefreshJitter), "must be in [0, 1)");
        Check(MaxStaleness >= TimeSpan.Zero, nameof(MaxStaleness), "must not be negative");
        Check(FailedRefreshRetryInterval > TimeSpan.Zero, nameof(FailedRefreshRetryInterval), "must be positive");
        Check(NegativeCacheDuration >= TimeSpan.Zero, nameof(NegativeCacheDuration), "must not be negative");
        Check(MaxCachedSecrets > 0, nameof(MaxCachedSecrets), "must be positive");
        Check(EvictionGracePeriod >= TimeSpan.Zero, nameof(EvictionGracePeriod), "must not be negative");
        Check(BackgroundRefreshInterval > TimeSpan.Zero, nameof(BackgroundRefreshInterval), "must be positive");
        Check(MaxConcurrency > 0, nameof(MaxConcurrency), "must be positive");
        Check(Randomizer is not null, nameof(Randomizer), "must be set");
        Check(ReadTimeout > TimeSpan.Zero, nameof(ReadTimeout), "must be positive");
        Check(StaleFallbackDelay >= TimeSpan.Zero, nameof(StaleFallbackDelay), "must not be negative");
        Check(RemovedSecretGracePeriod >= TimeSpan.Zero, nameof(RemovedSecretGracePeriod), "must not be negative");
        Check(ChangeNotificationMaxDelay >= TimeSpan.Zero, nameof(ChangeNotificationMaxDelay), "must not be negative");
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(nameof(SecretStoreOptions), typeof(SecretStoreOptions), failures);
        }

        void Check(bool ok, string name, string rule)
        {
            if (!ok)
            {
                failures.Add($"SecretStoreOptions.{name} {rule}.");
            }
        }
    }

    /// <summary>Copies the options, so that a store keeps what it validated whatever the caller changes later.</summary>
    internal SecretStoreOptions Clone() => (SecretStoreOptions)MemberwiseClone();

    internal string ResolveEnvironment() => SecretEnvironment.Resolve(Environment);
}

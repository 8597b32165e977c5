using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Secrets.Client.Hosting;

/// <summary>
/// Reports <see cref="HealthStatus.Unhealthy"/> when a required secret cannot be served (not found, access denied,
/// provider out of reach with no last good value), <see cref="HealthStatus.Degraded"/> while a secret is served stale
/// (its provider failed past its expiry), <see cref="HealthStatus.Healthy"/> otherwise. The required secrets are those
/// named in <see cref="SecretStoreHealthCheckOptions.Secrets"/>, else those the store watches. Never includes a value.
/// </summary>
public sealed class SecretStoreHealthCheck : IHealthCheck
{
    private readonly SecretStore _store;
    private readonly SecretStoreHealthCheckOptions _options;

    /// <summary>Initializes a new instance of the <see cref="SecretStoreHealthCheck"/> class.</summary>
    /// <param name="store">The store to report on.</param>
    /// <param name="options">The secrets to probe; null probes the watched ones.</param>
    public SecretStoreHealthCheck(SecretStore store, IOptions<SecretStoreHealthCheckOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options?.Value ?? new SecretStoreHealthCheckOptions();
    }

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probed = _options.Secrets.Count > 0 ? _options.Secrets.ToArray() : _store.WatchedReferences();
        var results = probed.Length == 0 ? [] : await _store.GetSecretsAsync(probed, cancellationToken).ConfigureAwait(false);
        var unavailable = results.Where(result => result.Error is not null).Select(result => $"{result.Reference} ({result.Error!.GetType().Name})").ToArray();
        var stale = _store.StaleCount;
        var data = new Dictionary<string, object>
        {
            ["probed"] = probed.Length,
            ["unavailable"] = unavailable.Length,
            ["cached"] = _store.CachedCount,
            ["stale"] = stale,
            ["failingRefresh"] = _store.FailingRefreshCount,
            ["environment"] = _store.Environment,
        };
        if (unavailable.Length > 0)
        {
            return HealthCheckResult.Unhealthy($"{unavailable.Length} required secret(s) cannot be served: {string.Join(", ", unavailable)}.", data: data);
        }

        return stale > 0
            ? HealthCheckResult.Degraded($"Serving {stale} stale secret(s): their providers failed past expiry.", data: data)
            : HealthCheckResult.Healthy($"{probed.Length} required secret(s) served; none stale.", data);
    }
}

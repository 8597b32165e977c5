using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Secrets.Client.Hosting;

/// <summary>
/// Reports <see cref="HealthStatus.Degraded"/> while the store serves stale values (a provider failed past a secret's
/// expiry), <see cref="HealthStatus.Healthy"/> otherwise. Never includes a value.
/// </summary>
public sealed class SecretStoreHealthCheck : IHealthCheck
{
    private readonly SecretStore _store;

    /// <summary>Initializes a new instance of the <see cref="SecretStoreHealthCheck"/> class.</summary>
    /// <param name="store">The store to report on.</param>
    public SecretStoreHealthCheck(SecretStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stale = _store.StaleCount;
        var failing = _store.FailingRefreshCount;
        var data = new Dictionary<string, object>
        {
            ["cached"] = _store.CachedCount,
            ["stale"] = stale,
            ["failingRefresh"] = failing,
            ["environment"] = _store.Environment,
        };
        var result = stale > 0
            ? HealthCheckResult.Degraded($"Serving {stale} stale secret(s): their providers failed past expiry.", data: data)
            : HealthCheckResult.Healthy(failing > 0 ? $"{failing} secret(s) failed to refresh but are not yet expired." : "All cached secrets are fresh.", data);
        return Task.FromResult(result);
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Hosting;

/// <summary>
/// Keeps the store's one background refresh running for the life of the host (every
/// <see cref="SecretStoreOptions.BackgroundRefreshInterval"/>), so rotated values are picked up, and configuration and
/// change-token holders are told, even when nobody reads them. It starts the same driver configuration and change
/// tokens start, so with all of them active each due secret is checked once per interval.
/// </summary>
public sealed class SecretRefreshService : BackgroundService
{
    private readonly SecretStore _store;

    /// <summary>Initializes a new instance of the <see cref="SecretRefreshService"/> class.</summary>
    /// <param name="store">The store to refresh; its options give the interval and its clock the time.</param>
    /// <param name="timeProvider">Unused: the store's own clock drives its refresh. Kept for compatibility.</param>
    /// <param name="logger">Unused: the store logs refresh failures. Kept for compatibility.</param>
    public SecretRefreshService(SecretStore store, TimeProvider timeProvider, ILogger<SecretRefreshService> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
    }

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _store.EnsureBackgroundRefresh();
        return Task.CompletedTask;
    }
}

namespace Secrets.Client;

/// <summary>The store's entry point for change listeners (push refresh); the logic is in <see cref="ChangeNotificationProcessor"/>.</summary>
public partial class SecretStore
{
    private readonly ChangeNotificationProcessor _notifications;

    /// <summary>
    /// Takes a change notification from a listener (EventBridge/SQS, Pub/Sub, Event Grid, Vault events): every held
    /// entry of that secret (any field) gets a version check after a random delay up to
    /// <see cref="SecretStoreOptions.ChangeNotificationMaxDelay"/>, and a fetch only if the version moved (a notification
    /// naming a version other than the held one skips the check and fetches; one naming the held version costs nothing). The new value
    /// reaches readers through <see cref="SecretChanged"/> like any refresh. Bursts for one secret coalesce; a
    /// notification for a secret the store does not hold costs nothing; a notification never puts a value in the cache.
    /// </summary>
    /// <param name="notification">What the listener learned.</param>
    /// <param name="cancellationToken">Cancels handing the notification over (the check itself runs in the background).</param>
    /// <returns>What the store did with it.</returns>
    public virtual ValueTask<SecretChangeNotificationOutcome> ProcessChangeNotificationAsync(SecretChangeNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var outcome = _notifications.Process(notification);
        if (outcome == SecretChangeNotificationOutcome.NotHeld && MarkWatchedDue(notification) > 0)
        {
            // Watched (configuration, a handle, a change token) but its value left the cache: the store's next refresh
            // run checks it; run it now, or after the same jitter as a held secret's check.
            _driver.RunSoon(_options.ChangeNotificationMaxDelay * Math.Clamp(_options.Randomizer(), 0, 1));
            outcome = SecretChangeNotificationOutcome.Scheduled;
        }

        return ValueTask.FromResult(outcome);
    }

    private int MarkWatchedDue(SecretChangeNotification notification)
    {
        if (!_router.TryGetRoute(notification.Provider.ToLowerInvariant(), out var route))
        {
            return 0;
        }

        var marked = MarkWatchedDue(route.Name, notification.SecretName);
        foreach (var alias in notification.Aliases)
        {
            marked += MarkWatchedDue(route.Name, alias);
        }

        return marked;
    }

    private ChangeNotificationProcessor CreateNotificationProcessor(StoreAuditor audit) =>
        new(_router, _index, _fetcher, _clock, _options, audit, new ChangeNotificationMetrics(_diagnostics.Meter), _logger);
}

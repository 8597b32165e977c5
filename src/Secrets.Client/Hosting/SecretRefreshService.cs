using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Hosting;

/// <summary>
/// Refreshes the store's due secrets every <see cref="SecretStoreOptions.BackgroundRefreshInterval"/> for the life of
/// the host, so rotated values are picked up (and configuration reloads) even when nobody reads them.
/// </summary>
public sealed partial class SecretRefreshService : BackgroundService
{
    private readonly SecretStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="SecretRefreshService"/> class.</summary>
    /// <param name="store">The store to refresh; its options give the interval.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Logs failures.</param>
    public SecretRefreshService(SecretStore store, TimeProvider timeProvider, ILogger<SecretRefreshService> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _timeProvider = timeProvider;
        _interval = store.Options.BackgroundRefreshInterval;
        _logger = logger;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var changed = await _store.RefreshAsync(stoppingToken).ConfigureAwait(false);
                    if (changed > 0)
                    {
                        LogRefreshed(_logger, changed);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRefreshFailed(_logger, ex.GetType().Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Background refresh found {Count} rotated secret(s)")]
    private static partial void LogRefreshed(ILogger logger, int count);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Background secret refresh failed ({ErrorType}: {ErrorMessage})")]
    private static partial void LogRefreshFailed(ILogger logger, string errorType, string errorMessage);
}

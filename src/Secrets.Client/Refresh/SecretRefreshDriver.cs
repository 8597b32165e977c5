using Microsoft.Extensions.Logging;

namespace Secrets.Client;

/// <summary>
/// The one periodic refresh of a store, every <see cref="SecretStoreOptions.BackgroundRefreshInterval"/>. The hosted
/// service, configuration and change-token watchers all start this same driver instead of running timers of their
/// own, so that with all of them active each due secret is still checked once per interval. A tick that finds the
/// previous run still going runs once more when that run ends.
/// </summary>
internal sealed class SecretRefreshDriver : IDisposable
{
    private readonly Func<CancellationToken, ValueTask<int>> _refresh;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private int _running;
    private bool _disposed;

    public SecretRefreshDriver(Func<CancellationToken, ValueTask<int>> refresh, TimeProvider time, TimeSpan interval, ILogger logger)
    {
        _refresh = refresh;
        _time = time;
        _interval = interval;
        _logger = logger;
    }

    public bool IsStarted => Volatile.Read(ref _timer) is not null;

    /// <summary>Starts the periodic refresh unless it runs already.</summary>
    public void EnsureStarted()
    {
        if (Volatile.Read(ref _timer) is not null)
        {
            return;
        }

        lock (_gate)
        {
            if (_timer is null && !_disposed)
            {
                Volatile.Write(ref _timer, _time.CreateTimer(static state => ((SecretRefreshDriver)state!).Tick(), this, _interval, _interval));
            }
        }
    }

    /// <summary>
    /// Runs one refresh after <paramref name="delay"/> (a change notification for a watched secret whose value left the
    /// cache), joining a run in progress like a tick does; the periodic schedule is unchanged.
    /// </summary>
    /// <param name="delay">How long to wait first (zero runs now).</param>
    public void RunSoon(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Tick();
            return;
        }

        ITimer? once = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            once = _time.CreateTimer(static state => ((SecretRefreshDriver)state!).Tick(), this, delay, Timeout.InfiniteTimeSpan);
        }

        // A one-shot timer: the lifetime token disposes it with the store.
        _lifetime.Token.Register(static state => ((ITimer)state!).Dispose(), once);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
        }

        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    private void Tick()
    {
        // Idle (0) -> running (1); a tick while running asks for one more run (2) once it ends, so that no tick's check is
        // lost to a slow run and runs never overlap.
        if (Interlocked.Increment(ref _running) == 1)
        {
            _ = RunAsync();
        }
        else
        {
            Interlocked.Exchange(ref _running, 2);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            var changed = await _refresh(_lifetime.Token).ConfigureAwait(false);
            if (changed > 0)
            {
                Log.BackgroundRefreshed(_logger, changed);
            }
        }
        catch (OperationCanceledException)
        {
            // The store is being disposed.
        }
#pragma warning disable CA1031 // The timer must survive any failure; the next tick tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.BackgroundRefreshFailed(_logger, ex.GetType().Name, ex.Message);
        }
        finally
        {
            if (Interlocked.Exchange(ref _running, 0) > 1 && !_lifetime.IsCancellationRequested)
            {
                Tick();
            }
        }
    }
}

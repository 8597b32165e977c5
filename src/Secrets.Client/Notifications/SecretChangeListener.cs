using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Secrets.Client;

/// <summary>
/// The shape every cloud's change listener shares: a hosted service that opens its transport (a queue, a
/// subscription), receives events in a loop and hands each to <see cref="ISecretStore.ProcessChangeNotificationAsync"/>,
/// backs off exponentially (with jitter) and reconnects after transport faults, closes what it opened when the host
/// stops, and reports its state to <see cref="SecretChangeListenerHealthCheck"/> and metrics. A derived listener
/// supplies only <see cref="OpenAsync"/>, <see cref="ReceiveAsync"/> and <see cref="CloseAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// Two transport shapes fit: rounds (a long poll or pull per <see cref="ReceiveAsync"/> call, success recorded after
/// each) and a long-lived connection (a websocket: one <see cref="ReceiveAsync"/> call per connection, which calls
/// <see cref="MarkConnected"/> once connected and returns or throws when the connection ends). A backend that answers
/// that it has no event feature at all can be retried slowly through <see cref="SlowRetryDelay"/>: the listener is then
/// reported <see cref="SecretChangeListenerStatus.Dormant"/>, degraded but never unhealthy.
/// </para>
/// <para>
/// Events are hints: the store reads the backend itself, so a duplicate, late, forged or malformed event costs at
/// most one call (a version check, or a fetch when the event names another version) and never lands a value the
/// backend does not serve, and a lost one is caught by the store's safety-net refresh.
/// </para>
/// </remarks>
public abstract class SecretChangeListener : BackgroundService
{
    private readonly SecretChangeListenerOptions _options;
    private readonly ListenerMetrics _metrics;
    private readonly Lock _stateLock = new();
    private bool _opened;
    private bool _openAttempted;
    private int _consecutiveFailures;
    private DateTimeOffset? _failingSince;
    private DateTimeOffset? _lastSuccess;
    private string? _lastErrorType;
    private long _received;
    private long _applied;
    private long _ignored;
    private bool _dormant;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Initializes a new instance of the <see cref="SecretChangeListener"/> class.</summary>
    /// <param name="source">The listener's name in metrics, logs and audit (for example <c>aws-sqs</c>).</param>
    /// <param name="store">The store to notify.</param>
    /// <param name="options">Shared settings; validated now.</param>
    /// <param name="loggerFactory">Logging; nothing is logged when null.</param>
    /// <param name="meterFactory">Creates the <c>Secrets.Client.Listeners</c> meter; a standalone meter when null.</param>
    protected SecretChangeListener(string source, ISecretStore store, SecretChangeListenerOptions options, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Source = source;
        Store = store;
        _options = options;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(GetType());
        _metrics = new ListenerMetrics(meterFactory, source, options.ProviderName);
    }

    /// <summary>Gets the listener's name in metrics, logs and audit.</summary>
    public string Source { get; }

    /// <summary>Gets the settings shared by every listener.</summary>
    public SecretChangeListenerOptions ListenerOptions => _options;

    /// <summary>Gets a snapshot of the listener's state.</summary>
    public SecretChangeListenerStatus Status
    {
        get
        {
            lock (_stateLock)
            {
                return new SecretChangeListenerStatus(Source, _consecutiveFailures == 0 && _lastSuccess is not null, _consecutiveFailures, _failingSince, _lastSuccess, _lastErrorType, Interlocked.Read(ref _received), Interlocked.Read(ref _applied), Interlocked.Read(ref _ignored)) { Dormant = _dormant };
            }
        }
    }

    /// <summary>
    /// Completes when the listener's <see cref="Status"/> satisfies <paramref name="condition"/>: a gate for readiness
    /// probes and tests, woken by every change of state (no polling).
    /// </summary>
    /// <param name="condition">The state waited for.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the condition holds.</returns>
    public async Task WaitForStatusAsync(Func<SecretChangeListenerStatus, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            Task changed;
            lock (_stateLock)
            {
                changed = _changed.Task;
            }

            if (condition(Status))
            {
                return;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gets the store events go to.</summary>
    protected ISecretStore Store { get; }

    /// <summary>Gets the listener's logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>Gets the clock.</summary>
    protected TimeProvider TimeProvider => _options.TimeProvider;

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // Also when stopped during an open: the queue or subscription may exist though its creation's answer was lost.
        if (_opened || _openAttempted)
        {
            try
            {
                await CloseAsync(cancellationToken).ConfigureAwait(false);
                _opened = false;
                _openAttempted = false;
            }
#pragma warning disable CA1031 // Cleanup failing must not fail the host's shutdown; the reaper removes what is left.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                ListenerLog.CloseFailed(Logger, Source, ex.GetType().Name);
            }
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _metrics.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Opens the transport: creates or checks the queue or subscription. Retried with backoff until it succeeds.</summary>
    /// <param name="cancellationToken">Stops when the host stops.</param>
    /// <returns>A task that completes when open.</returns>
    protected virtual Task OpenAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// One receive round: waits for events (a long poll, a pull), hands each to <see cref="DeliverAsync"/>, then
    /// acknowledges them. Throw on transport failures: the base backs off and calls again.
    /// </summary>
    /// <param name="cancellationToken">Stops when the host stops.</param>
    /// <returns>A task that completes after the round.</returns>
    protected abstract Task ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>Closes the transport when the host stops: deletes a per-instance queue or subscription. Also called after an open that did not finish, so it must tolerate what does not exist.</summary>
    /// <param name="cancellationToken">The host's shutdown token.</param>
    /// <returns>A task that completes when closed.</returns>
    protected virtual Task CloseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Tells whether a failure means the backend has no event feature at all (Community Vault's 404): returns the long
    /// wait before asking again, instead of the reconnect backoff; the listener is then reported dormant.
    /// </summary>
    /// <param name="failure">The failure.</param>
    /// <returns>The wait, or <see langword="null"/> for the ordinary backoff.</returns>
    protected virtual TimeSpan? SlowRetryDelay(Exception failure) => null;

    /// <summary>
    /// Records that a long-lived connection is established (a websocket subscribed), before <see cref="ReceiveAsync"/>
    /// returns: the listener is connected from now, and the reconnect backoff starts again from its first step.
    /// </summary>
    protected void MarkConnected() => Succeeded();

    /// <summary>Tells whether a failure means the transport must be opened again (for example the queue was deleted).</summary>
    /// <param name="failure">The failure.</param>
    /// <returns><see langword="true"/> to call <see cref="OpenAsync"/> before the next round.</returns>
    protected virtual bool RequiresReopen(Exception failure) => false;

    /// <summary>
    /// Hands one parsed event to the store, counting it: <paramref name="notification"/> null means the event was
    /// ignored for <paramref name="ignoredReason"/> (malformed, another account, an event type that changes no value).
    /// </summary>
    /// <param name="notification">What the event said, or null.</param>
    /// <param name="ignoredReason">Why it was ignored, when <paramref name="notification"/> is null.</param>
    /// <param name="cancellationToken">Cancels the hand-over.</param>
    /// <returns>The store's answer, or null when ignored.</returns>
    protected async ValueTask<SecretChangeNotificationOutcome?> DeliverAsync(SecretChangeNotification? notification, string? ignoredReason, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _received);
        _metrics.Received();
        if (notification is null)
        {
            ListenerLog.EventIgnored(Logger, Source, ignoredReason ?? "malformed");
            Ignore(ignoredReason ?? "malformed");
            return null;
        }

        if (notification.EventTime is { } at)
        {
            _metrics.Lag(TimeProvider.GetUtcNow() - at);
        }

        var outcome = await Store.ProcessChangeNotificationAsync(notification, cancellationToken).ConfigureAwait(false);
        if (outcome == SecretChangeNotificationOutcome.Scheduled)
        {
            Interlocked.Increment(ref _applied);
            _metrics.Applied(notification.EventType);
            Signal();
        }
        else
        {
            Ignore(outcome switch
            {
                SecretChangeNotificationOutcome.Coalesced => "coalesced",
                SecretChangeNotificationOutcome.NotHeld => "not-held",
                _ => "unknown-provider",
            });
        }

        return outcome;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!_opened)
                {
                    _openAttempted = true;
                    await OpenAsync(stoppingToken).ConfigureAwait(false);
                    _opened = true;
                    ListenerLog.Opened(Logger, Source);
                }

                await ReceiveAsync(stoppingToken).ConfigureAwait(false);
                Succeeded();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any transport failure is retried with backoff; the listener must outlive it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (_opened && RequiresReopen(ex))
                {
                    _opened = false;
                }

                // The wait's timer exists before the failure is published, so that whoever watches the status (a
                // test's fake clock, a health probe) sees a listener already waiting.
                var slow = SlowRetryDelay(ex);
                var wait = slow ?? Backoff();
                lock (_stateLock)
                {
                    _dormant = slow is not null;
                }

                var delay = Task.Delay(wait, TimeProvider, stoppingToken);
                Failed(ex, wait);
                try
                {
                    await delay.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Ignore(string reason)
    {
        Interlocked.Increment(ref _ignored);
        _metrics.Ignored(reason);
        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_stateLock)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    private void Succeeded()
    {
        bool recovered;
        lock (_stateLock)
        {
            recovered = _consecutiveFailures > 0;
            _consecutiveFailures = 0;
            _failingSince = null;
            _dormant = false;
            _lastSuccess = TimeProvider.GetUtcNow();
        }

        Signal();

        if (recovered)
        {
            ListenerLog.Recovered(Logger, Source);
        }
    }

    private TimeSpan Backoff()
    {
        int failures;
        lock (_stateLock)
        {
            failures = _consecutiveFailures + 1;
        }

        var cap = Math.Min(_options.MaxBackoff.TotalMilliseconds, _options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        // Equal jitter: at least half the cap, so that a fleet that lost its transport together does not retry together.
        return TimeSpan.FromMilliseconds((cap / 2) + (cap / 2 * Math.Clamp(_options.Randomizer(), 0, 1)));
    }

    private void Failed(Exception error, TimeSpan wait)
    {
        int failures;
        lock (_stateLock)
        {
            failures = ++_consecutiveFailures;
            _failingSince ??= TimeProvider.GetUtcNow();
            _lastErrorType = error.GetType().Name;
        }

        _metrics.Error(error);
        ListenerLog.TransportFailed(Logger, Source, error.GetType().Name, failures, wait);
        Signal();
    }
}

namespace Secrets.Client.Testing;

/// <summary>
/// Fault knobs shared by every emulator, for resilience tests: added latency, and the next N requests answered
/// with throttling, a server error, or a dropped connection. Thread-safe; change them while the emulator runs.
/// </summary>
public sealed class EmulatorFaults
{
    private int _throttleNext;
    private int _failNext;
    private int _dropNext;
    private long _latencyTicks;

    /// <summary>Gets or sets the delay added before every response.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    /// <summary>Gets or sets the <c>Retry-After</c> the emulator sends with throttling responses; <see langword="null"/> sends none.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Answers the next <paramref name="count"/> requests with the service's throttling error.</summary>
    /// <param name="count">How many requests.</param>
    public void ThrottleNext(int count) => Interlocked.Exchange(ref _throttleNext, count);

    /// <summary>Answers the next <paramref name="count"/> requests with a 5xx server error.</summary>
    /// <param name="count">How many requests.</param>
    public void FailNext(int count) => Interlocked.Exchange(ref _failNext, count);

    /// <summary>Aborts the connection of the next <paramref name="count"/> requests without a response.</summary>
    /// <param name="count">How many requests.</param>
    public void DropNext(int count) => Interlocked.Exchange(ref _dropNext, count);

    /// <summary>Clears every fault.</summary>
    public void Reset()
    {
        Latency = TimeSpan.Zero;
        RetryAfter = null;
        ThrottleNext(0);
        FailNext(0);
        DropNext(0);
    }

    /// <summary>Waits for the configured <see cref="Latency"/>, if any: the first step of every emulated request.</summary>
    /// <param name="timeProvider">The clock to wait on; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait (for example when the client disconnects).</param>
    /// <returns>A task that completes after the latency.</returns>
    public Task DelayAsync(TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        var latency = Latency;
        return latency > TimeSpan.Zero ? Task.Delay(latency, timeProvider ?? TimeProvider.System, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Decides the fault for one request; each call consumes at most one pending fault.</summary>
    /// <returns>The fault to inject.</returns>
    public EmulatorFault Next()
    {
        if (TryConsume(ref _dropNext))
        {
            return EmulatorFault.DropConnection;
        }

        if (TryConsume(ref _throttleNext))
        {
            return EmulatorFault.Throttle;
        }

        return TryConsume(ref _failNext) ? EmulatorFault.ServerError : EmulatorFault.None;
    }

    private static bool TryConsume(ref int counter)
    {
        var current = Volatile.Read(ref counter);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref counter, current - 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }
}

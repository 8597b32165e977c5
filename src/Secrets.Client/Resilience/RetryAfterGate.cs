namespace Secrets.Client;

/// <summary>
/// A provider's <c>Retry-After</c>, shared by every caller of that provider: once it throttled one call, the others
/// wait out the same time instead of being throttled in turn.
/// </summary>
internal sealed class RetryAfterGate(TimeProvider time, TimeSpan longest)
{
    private long _untilTicks;

    public void Defer(TimeSpan wait)
    {
        var until = time.GetUtcNow().UtcTicks + (wait > longest ? longest : wait).Ticks;
        var seen = Volatile.Read(ref _untilTicks);
        while (until > seen)
        {
            var previous = Interlocked.CompareExchange(ref _untilTicks, until, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        var remaining = Volatile.Read(ref _untilTicks) - time.GetUtcNow().UtcTicks;
        return remaining <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromTicks(remaining), time, cancellationToken);
    }
}

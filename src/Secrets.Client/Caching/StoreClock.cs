namespace Secrets.Client;

/// <summary>
/// The store's clock for freshness decisions, in UTC ticks. With the system clock it is monotonic and costs one
/// <see cref="Environment.TickCount64"/> read (millisecond resolution is plenty for cache lifetimes), which keeps a warm
/// read close to a bare dictionary lookup; with any other <see cref="TimeProvider"/> (tests) it follows that provider.
/// </summary>
internal sealed class StoreClock
{
    private readonly bool _monotonic;
    private readonly long _originUtcTicks;
    private readonly long _originTickCount;

    public StoreClock(TimeProvider time)
    {
        Time = time;
        _monotonic = ReferenceEquals(time, TimeProvider.System);
        _originUtcTicks = time.GetUtcNow().UtcTicks;
        _originTickCount = Environment.TickCount64;
    }

    public TimeProvider Time { get; }

    public long NowTicks() => _monotonic
        ? _originUtcTicks + ((Environment.TickCount64 - _originTickCount) * TimeSpan.TicksPerMillisecond)
        : Time.GetUtcNow().UtcTicks;
}

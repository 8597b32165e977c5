namespace Secrets.Client;

/// <summary>
/// Tells whether more than a threshold of events fell within a sliding window, exactly, by keeping the last
/// threshold timestamps in a ring. Not thread-safe: its owner locks.
/// </summary>
internal sealed class SlidingWindowCounter
{
    private readonly long[] _ticks;
    private int _next;
    private int _count;

    public SlidingWindowCounter(int threshold) => _ticks = new long[threshold];

    /// <summary>Adds an event.</summary>
    /// <returns><see langword="true"/> when this event makes more than the threshold within the window ending at it.</returns>
    public bool Add(long ticks, long windowTicks)
    {
        if (_ticks.Length == 0)
        {
            return true;
        }

        if (_count < _ticks.Length)
        {
            _ticks[_next] = ticks;
            _next = (_next + 1) % _ticks.Length;
            _count++;
            return false;
        }

        // The slot about to be overwritten holds the oldest of the last threshold events, the one before it the newest.
        // Records may arrive slightly out of order (threads, replays): the span is measured over all threshold + 1.
        var oldest = _ticks[_next];
        var newest = _ticks[(_next + _ticks.Length - 1) % _ticks.Length];
        var exceeded = Math.Max(newest, ticks) - Math.Min(oldest, ticks) < windowTicks;
        _ticks[_next] = ticks;
        _next = (_next + 1) % _ticks.Length;
        return exceeded;
    }
}

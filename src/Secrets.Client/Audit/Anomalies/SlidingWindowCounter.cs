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

        // The slot about to be overwritten holds the oldest of the last threshold events.
        var exceeded = ticks - _ticks[_next] < windowTicks;
        _ticks[_next] = ticks;
        _next = (_next + 1) % _ticks.Length;
        return exceeded;
    }
}

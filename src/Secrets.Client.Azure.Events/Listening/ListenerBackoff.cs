namespace Secrets.Client.Listening;

/// <summary>
/// Delays between attempts after a transport fault: exponential from <c>initial</c> to <c>max</c> with jitter in
/// [50%, 100%] so that a fleet whose transport came back does not reconnect in one instant. Not thread-safe: one per loop.
/// </summary>
internal sealed class ListenerBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Func<double> _random;
    private int _attempt;

    public ListenerBackoff(TimeSpan initial, TimeSpan max, Func<double>? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        _initial = initial;
        _max = max;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>Gets the number of faults since the last success.</summary>
    public int Attempt => _attempt;

    /// <summary>Returns the delay before the next attempt and counts one more fault.</summary>
    public TimeSpan Next()
    {
        var exponent = Math.Min(_attempt, 30);
        _attempt++;
        var ceiling = Math.Min(_max.TotalMilliseconds, _initial.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = ceiling * (0.5 + (0.5 * _random()));
        return TimeSpan.FromMilliseconds(jittered);
    }

    /// <summary>Forgets the faults after a success.</summary>
    public void Reset() => _attempt = 0;
}

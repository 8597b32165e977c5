namespace Secrets.Client;

/// <summary>
/// The accessors (principals, hosts or processes) seen for one secret, each with when it was last seen, bounded: the
/// least recently seen is forgotten first. Not thread-safe: its owner locks.
/// </summary>
internal sealed class AccessorSet<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, long> _lastSeen = [];
    private readonly int _capacity;

    public AccessorSet(int capacity) => _capacity = capacity;

    public int Count => _lastSeen.Count;

    /// <summary>Records a sighting.</summary>
    /// <returns><see langword="true"/> when the accessor was not known.</returns>
    public bool Touch(TKey key, long ticks)
    {
        ref var seen = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_lastSeen, key);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref seen))
        {
            seen = Math.Max(seen, ticks);
            return false;
        }

        if (_lastSeen.Count >= _capacity)
        {
            // Capacities are small (tens), so a scan is cheaper than keeping an order.
            var oldest = _lastSeen.MinBy(pair => pair.Value).Key;
            _lastSeen.Remove(oldest);
        }

        _lastSeen[key] = ticks;
        return true;
    }
}

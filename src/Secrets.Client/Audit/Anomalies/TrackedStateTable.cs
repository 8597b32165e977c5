using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Secrets.Client;

/// <summary>
/// A bounded table of <see cref="TrackedState"/>: past its bound the least recently seen entries are forgotten, a tenth
/// more at once so that the scan is amortised. Reads take no lock, so readers of other keys are never held up.
/// </summary>
internal sealed class TrackedStateTable<TKey, TState>
    where TKey : notnull
    where TState : TrackedState
{
    private readonly ConcurrentDictionary<TKey, TState> _map = new();
    private readonly int _max;
    private int _count;
    private int _trimming;

    public TrackedStateTable(int max) => _max = max;

    public int Count => Volatile.Read(ref _count);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TState state) => _map.TryGetValue(key, out state);

    /// <summary>Gets the state of <paramref name="key"/>, created (and seen at <paramref name="ticks"/>) when new.</summary>
    public TState GetOrAdd<TArg>(TKey key, long ticks, Func<TArg, TState> create, TArg argument)
    {
        if (_map.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var created = create(argument);
        created.Seen(ticks);
        var state = _map.GetOrAdd(key, created);
        if (ReferenceEquals(state, created) && Interlocked.Increment(ref _count) > _max)
        {
            Trim();
        }

        return state;
    }

    private void Trim()
    {
        if (Interlocked.Exchange(ref _trimming, 1) != 0)
        {
            return;
        }

        try
        {
            var excess = Volatile.Read(ref _count) - _max;
            if (excess <= 0)
            {
                return;
            }

            // Enumerating a ConcurrentDictionary takes no lock.
            foreach (var pair in _map.OrderBy(pair => pair.Value.LastSeenTicks).Take(excess + (_max / 10)).ToArray())
            {
                if (_map.TryRemove(pair))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }
}

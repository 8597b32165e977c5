using System.Collections.Concurrent;

namespace Secrets.Client;

/// <summary>
/// Wipes entries that left the cache after <see cref="SecretStoreOptions.EvictionGracePeriod"/>, so that callers that
/// got the secret just before can still read it (open leases always keep it). Each pending timer is rooted here.
/// </summary>
internal sealed class EntryWiper(TimeProvider time, TimeSpan grace) : IDisposable
{
    private readonly ConcurrentDictionary<CacheEntry, ITimer> _pending = new();
    private int _disposed;

    public void ReleaseLater(CacheEntry entry)
    {
        if (grace <= TimeSpan.Zero || Volatile.Read(ref _disposed) != 0)
        {
            entry.Release();
            return;
        }

        if (_pending.ContainsKey(entry))
        {
            return;
        }

        var timer = time.CreateTimer(
            static state =>
            {
                var (wiper, pending) = ((EntryWiper, CacheEntry))state!;
                if (wiper._pending.TryRemove(pending, out var scheduled))
                {
                    scheduled.Dispose();
                }

                pending.Release();
            },
            (this, entry),
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        if (_pending.TryAdd(entry, timer))
        {
            timer.Change(grace, Timeout.InfiniteTimeSpan);
        }
        else
        {
            timer.Dispose();
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        foreach (var (entry, timer) in _pending)
        {
            timer.Dispose();
            entry.Release();
        }

        _pending.Clear();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace Secrets.Client;

/// <summary>
/// The one index of cached entries: a dictionary with compare-and-swap replacement (so that version order can be
/// enforced without locks shared by unrelated secrets), a size bound with least-recently-read eviction, and wiping
/// of whatever leaves it. <c>MemoryCache</c> offers neither compare-and-swap nor a read that does not count as a use,
/// which the refresh scan needs, so it is not used here.
/// </summary>
internal sealed class SecretCacheIndex : IDisposable
{
    private readonly ConcurrentDictionary<SecretReference, CacheEntry> _entries = new();
    private readonly EntryWiper _wiper;
    private readonly StoreClock _clock;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private int _count;
    private int _stagedKeys;
    private int _compacting;

    public SecretCacheIndex(int capacity, TimeSpan wipeGrace, StoreClock clock, ILogger logger)
    {
        _capacity = capacity;
        _clock = clock;
        _logger = logger;
        _wiper = new EntryWiper(clock.Time, wipeGrace);
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Gets a value indicating whether a key follows a version stage or label (<c>?stage=</c>): such a key is found for a
    /// secret's name only by a scan, a plain one by a lookup (change notifications use this to skip the scan).
    /// </summary>
    public bool HoldsStagedKeys => Volatile.Read(ref _stagedKeys) > 0;

    /// <summary>Gets the entries, for scans (refresh, counts); reading them does not count as a use.</summary>
    public IEnumerable<KeyValuePair<SecretReference, CacheEntry>> Entries => _entries;

    public bool TryGet(SecretReference key, [NotNullWhen(true)] out CacheEntry? entry) => _entries.TryGetValue(key, out entry);

    /// <summary>Replaces <paramref name="expected"/> (null: no entry) by <paramref name="next"/> if it is still the one held.</summary>
    public bool TryReplace(SecretReference key, CacheEntry? expected, CacheEntry next)
    {
        if (expected is null)
        {
            if (!_entries.TryAdd(key, next))
            {
                return false;
            }

            if (key.Stage is not null)
            {
                Interlocked.Increment(ref _stagedKeys);
            }

            if (Interlocked.Increment(ref _count) > _capacity)
            {
                MakeRoom(key);
            }

            return true;
        }

        if (ReferenceEquals(expected, next))
        {
            return true;
        }

        if (!_entries.TryUpdate(key, next, expected))
        {
            return false;
        }

        _wiper.ReleaseLater(expected);
        return true;
    }

    /// <summary>Removes <paramref name="expected"/> if it is still the entry held, and wipes it after the grace period.</summary>
    public bool TryRemove(SecretReference key, CacheEntry expected, string reason)
    {
        if (!_entries.TryRemove(new KeyValuePair<SecretReference, CacheEntry>(key, expected)))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        if (key.Stage is not null)
        {
            Interlocked.Decrement(ref _stagedKeys);
        }

        Log.Evicted(_logger, key.Provider ?? string.Empty, key.Path, reason);
        _wiper.ReleaseLater(expected);
        return true;
    }

    /// <summary>Hands an entry that never entered the index (or left it) to the wiper.</summary>
    public void ReleaseLater(CacheEntry entry) => _wiper.ReleaseLater(entry);

    public void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            entry.Release();
        }

        _entries.Clear();
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _stagedKeys, 0);
        _wiper.Dispose();
    }

    /// <summary>
    /// Over the bound: drop what can no longer be served first, then the least recently read. Evicts 5% of the bound at
    /// once (as <c>MemoryCache</c> compaction does) so that the scan is paid rarely; one thread compacts at a time.
    /// </summary>
    private void MakeRoom(SecretReference adding)
    {
        if (Interlocked.Exchange(ref _compacting, 1) != 0)
        {
            return;
        }

        try
        {
            var excess = Count - _capacity;
            if (excess <= 0)
            {
                return;
            }

            var now = _clock.NowTicks();
            var victims = _entries
                .Where(pair => !pair.Key.Equals(adding))
                .OrderBy(pair => now >= pair.Value.ServeUntilTicks ? 0 : 1)
                .ThenByDescending(pair => pair.Value.ReadAgeMilliseconds(now))
                .Take(Math.Max(excess, _capacity / 20))
                .ToArray();
            foreach (var (key, entry) in victims)
            {
                TryRemove(key, entry, "capacity");
            }
        }
        finally
        {
            Volatile.Write(ref _compacting, 0);
        }
    }
}

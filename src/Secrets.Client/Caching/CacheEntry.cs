using System.Collections.Concurrent;

namespace Secrets.Client;

/// <summary>
/// One cached secret, or one cached answer that it does not exist or may not be read ("gone"), with its freshness
/// times in UTC ticks. Times are written only by the one fetch in flight for the key and read without locks.
/// </summary>
/// <remarks>
/// A value is fresh until <see cref="RefreshAtTicks"/>, then served while a refresh runs until
/// <see cref="ExpiresAtTicks"/>, then served as stale (only when refreshing failed) until <see cref="ServeUntilTicks"/>.
/// </remarks>
internal sealed class CacheEntry
{
    // Each cached secret keeps one entry, so it holds only what every entry needs (docs/benchmarks.md, bookkeeping):
    // the secret or the gone answer in one field, the four times every read or scan uses, and two rarely set objects:
    // the JSON fields read from the value, and the state of a failed, removed or notified entry (its next attempt,
    // removal time and last error), replaced whole so that a reader never sees half of it.
    private readonly object? _held;
    private FieldSet? _fieldSet;
    private Trouble? _trouble;
    private long _refreshAtTicks;
    private long _expiresAtTicks;
    private long _serveUntilTicks;
    private int _lastReadStamp; // the last read in milliseconds, modulo 2^32: only ages up to 49 days are compared
    private int _released;

    private CacheEntry(object held)
    {
        _held = held;
    }

    /// <summary>Gets the cached secret; null for a gone entry.</summary>
    public Secret? Secret => _held as Secret;

    /// <summary>Gets the backend's not-found or access-denied answer, for a gone entry.</summary>
    public SecretStoreException? Gone => _held as SecretStoreException;

    public long RefreshAtTicks => Volatile.Read(ref _refreshAtTicks);

    public long ExpiresAtTicks => Volatile.Read(ref _expiresAtTicks);

    public long ServeUntilTicks => Volatile.Read(ref _serveUntilTicks);

    /// <summary>Gets when the next refresh may start (the refresh time, or later after a failure).</summary>
    public long NextAttemptTicks => Volatile.Read(ref _trouble) is { } trouble ? trouble.NextAttemptTicks : RefreshAtTicks;

    /// <summary>Gets when a value the backend said is gone stops being served (the removal grace); max when not gone.</summary>
    public long RemoveAtTicks => Volatile.Read(ref _trouble)?.RemoveAtTicks ?? long.MaxValue;

    /// <summary>Gets how long ago, in milliseconds, the entry was last read (or created), for least-recently-read eviction.</summary>
    /// <remarks>Kept as a 32-bit stamp (8 bytes less per entry): an entry unread for more than 49.7 days may look younger.</remarks>
    public uint ReadAgeMilliseconds(long now) =>
        Volatile.Read(ref _lastReadStamp) is var last && last == 0 ? uint.MaxValue : unchecked((uint)(Stamp(now) - last));

    /// <summary>Gets the error of the last failed refresh; null once a refresh succeeded.</summary>
    public SecretStoreException? LastError => Volatile.Read(ref _trouble)?.Error;

    public bool IsFailing => LastError is not null;

    public static CacheEntry ForSecret(Secret secret) => new(secret);

    public static CacheEntry ForGone(SecretStoreException answer, long untilTicks)
    {
        var entry = new CacheEntry(answer);
        entry.SetFresh(untilTicks, untilTicks, untilTicks);
        return entry;
    }

    /// <summary>Sets new freshness times after a successful fetch or version check and clears any failure.</summary>
    public void SetFresh(long refreshAt, long expiresAt, long serveUntil)
    {
        Volatile.Write(ref _serveUntilTicks, serveUntil);
        Volatile.Write(ref _expiresAtTicks, expiresAt);
        Volatile.Write(ref _trouble, null);
        Volatile.Write(ref _refreshAtTicks, refreshAt);
    }

    /// <summary>Records a failed refresh: the value stays (stale-if-error) and the next attempt waits.</summary>
    public void MarkFailed(SecretStoreException error, long nextAttempt) =>
        Update(static (current, state) => new Trouble(state.nextAttempt, current?.RemoveAtTicks ?? long.MaxValue, state.error), (error, nextAttempt));

    /// <summary>The backend said the secret is gone: serve it until <paramref name="removeAt"/> at most, checking again before.</summary>
    public void MarkRemoving(SecretStoreException answer, long now, long removeAt, long nextAttempt)
    {
        Volatile.Write(ref _trouble, new Trouble(nextAttempt, removeAt, answer));
        Volatile.Write(ref _refreshAtTicks, now); // every read takes the slow path, which honours the removal time
    }

    /// <summary>A change notification: the next refresh may start now, whatever the schedule or a failure's backoff said.</summary>
    public void MarkDue(long now)
    {
        while (true)
        {
            var current = Volatile.Read(ref _trouble);
            if (now >= (current?.NextAttemptTicks ?? RefreshAtTicks))
            {
                return;
            }

            var next = new Trouble(now, current?.RemoveAtTicks ?? long.MaxValue, current?.Error);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _trouble, next, current), current))
            {
                return;
            }
        }
    }

    /// <summary>Remembers the last read for least-recently-read eviction; written at most once per 2 ms.</summary>
    public void Touch(long now)
    {
        var stamp = Stamp(now);
        if (_lastReadStamp != stamp)
        {
            _lastReadStamp = stamp;
        }
    }

    /// <summary>Gets one JSON field of the secret, extracted once and owned by this entry.</summary>
    public Secret GetField(string field)
    {
        // Most apps read one field per secret: remember the first one read to skip hashing its name on every read.
        if (Volatile.Read(ref _fieldSet)?.First is { } first && (ReferenceEquals(first.Name, field) || string.Equals(first.Name, field, StringComparison.Ordinal)))
        {
            return first.Secret;
        }

        var set = Volatile.Read(ref _fieldSet) ?? Interlocked.CompareExchange(ref _fieldSet, new FieldSet(), null) ?? _fieldSet!;
        var fields = set.All;
        if (fields.TryGetValue(field, out var existing))
        {
            return existing;
        }

        var value = Secret!.Value.GetJsonField(field);
        value.TransferToStore();
        var created = new Secret(Secret.Properties, value);
        var winner = fields.GetOrAdd(field, created);
        if (!ReferenceEquals(winner, created))
        {
            value.ReleaseOwner();
        }
        else if (Volatile.Read(ref _released) != 0 && fields.TryRemove(field, out var late))
        {
            // Released while we were extracting: do not leak this value past the entry.
            late.Value.ReleaseOwner();
        }

        if (set.First is null)
        {
            Interlocked.CompareExchange(ref set.First, new FieldSlot(field, winner), null);
        }

        return winner;
    }

    /// <summary>Releases the entry's values; each is wiped once its last lease ends. Idempotent.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        Secret?.Value.ReleaseOwner();
        if (Volatile.Read(ref _fieldSet)?.All is { } fields)
        {
            foreach (var field in fields.Keys)
            {
                if (fields.TryRemove(field, out var secret))
                {
                    secret.Value.ReleaseOwner();
                }
            }
        }
    }

    // Odd, so that 0 means never read (the oldest); the lowest bit is lost, 2 ms is plenty for eviction order.
    private static int Stamp(long ticks) => unchecked((int)(ticks / TimeSpan.TicksPerMillisecond)) | 1;

    private void Update<TState>(Func<Trouble?, TState, Trouble> change, TState state)
    {
        while (true)
        {
            var current = Volatile.Read(ref _trouble);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _trouble, change(current, state), current), current))
            {
                return;
            }
        }
    }

    private sealed record FieldSlot(string Name, Secret Secret);

    /// <summary>The JSON fields read from the value: the first one read (checked without hashing) and all of them.</summary>
    private sealed class FieldSet
    {
#pragma warning disable SA1401 // exchanged with Interlocked
        public FieldSlot? First;
#pragma warning restore SA1401

        public ConcurrentDictionary<string, Secret> All { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>An entry off its normal schedule: after a failure, a gone answer or a change notification.</summary>
    private sealed record Trouble(long NextAttemptTicks, long RemoveAtTicks, SecretStoreException? Error);
}

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
    private ConcurrentDictionary<string, Secret>? _fields;
    private FieldSlot? _firstField;
    private long _refreshAtTicks;
    private long _expiresAtTicks;
    private long _serveUntilTicks;
    private long _nextAttemptTicks;
    private long _removeAtTicks = long.MaxValue;
    private long _lastReadTicks;
    private SecretStoreException? _lastError;
    private int _released;

    private CacheEntry(Secret? secret, SecretStoreException? gone)
    {
        Secret = secret;
        Gone = gone;
    }

    /// <summary>Gets the cached secret; null for a gone entry.</summary>
    public Secret? Secret { get; }

    /// <summary>Gets the backend's not-found or access-denied answer, for a gone entry.</summary>
    public SecretStoreException? Gone { get; }

    public long RefreshAtTicks => Volatile.Read(ref _refreshAtTicks);

    public long ExpiresAtTicks => Volatile.Read(ref _expiresAtTicks);

    public long ServeUntilTicks => Volatile.Read(ref _serveUntilTicks);

    /// <summary>Gets when the next refresh may start (the refresh time, or later after a failure).</summary>
    public long NextAttemptTicks => Volatile.Read(ref _nextAttemptTicks);

    /// <summary>Gets when a value the backend said is gone stops being served (the removal grace); max when not gone.</summary>
    public long RemoveAtTicks => Volatile.Read(ref _removeAtTicks);

    public long LastReadTicks => Volatile.Read(ref _lastReadTicks);

    /// <summary>Gets the error of the last failed refresh; null once a refresh succeeded.</summary>
    public SecretStoreException? LastError => Volatile.Read(ref _lastError);

    public bool IsFailing => LastError is not null;

    public static CacheEntry ForSecret(Secret secret) => new(secret, null);

    public static CacheEntry ForGone(SecretStoreException answer, long untilTicks)
    {
        var entry = new CacheEntry(null, answer);
        entry.SetFresh(untilTicks, untilTicks, untilTicks);
        return entry;
    }

    /// <summary>Sets new freshness times after a successful fetch or version check and clears any failure.</summary>
    public void SetFresh(long refreshAt, long expiresAt, long serveUntil)
    {
        Volatile.Write(ref _serveUntilTicks, serveUntil);
        Volatile.Write(ref _expiresAtTicks, expiresAt);
        Volatile.Write(ref _nextAttemptTicks, refreshAt);
        Volatile.Write(ref _removeAtTicks, long.MaxValue);
        Volatile.Write(ref _lastError, null);
        Volatile.Write(ref _refreshAtTicks, refreshAt);
    }

    /// <summary>Records a failed refresh: the value stays (stale-if-error) and the next attempt waits.</summary>
    public void MarkFailed(SecretStoreException error, long nextAttempt)
    {
        Volatile.Write(ref _lastError, error);
        Volatile.Write(ref _nextAttemptTicks, nextAttempt);
    }

    /// <summary>The backend said the secret is gone: serve it until <paramref name="removeAt"/> at most, checking again before.</summary>
    public void MarkRemoving(SecretStoreException answer, long now, long removeAt, long nextAttempt)
    {
        Volatile.Write(ref _lastError, answer);
        Volatile.Write(ref _removeAtTicks, removeAt);
        Volatile.Write(ref _nextAttemptTicks, nextAttempt);
        Volatile.Write(ref _refreshAtTicks, now); // every read takes the slow path, which honours the removal time
    }

    /// <summary>A change notification: the next refresh may start now, whatever the schedule or a failure's backoff said.</summary>
    public void MarkDue(long now)
    {
        if (now < NextAttemptTicks)
        {
            Volatile.Write(ref _nextAttemptTicks, now);
        }
    }

    /// <summary>Remembers the last read for least-recently-read eviction; written at most once per millisecond.</summary>
    public void Touch(long now)
    {
        if (now - _lastReadTicks > TimeSpan.TicksPerMillisecond)
        {
            _lastReadTicks = now;
        }
    }

    /// <summary>Gets one JSON field of the secret, extracted once and owned by this entry.</summary>
    public Secret GetField(string field)
    {
        // Most apps read one field per secret: remember the first one read to skip hashing its name on every read.
        if (_firstField is { } first && (ReferenceEquals(first.Name, field) || string.Equals(first.Name, field, StringComparison.Ordinal)))
        {
            return first.Secret;
        }

        var fields = _fields ?? Interlocked.CompareExchange(ref _fields, new ConcurrentDictionary<string, Secret>(StringComparer.Ordinal), null) ?? _fields;
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

        if (_firstField is null)
        {
            Interlocked.CompareExchange(ref _firstField, new FieldSlot(field, winner), null);
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
        if (_fields is { } fields)
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

    private sealed record FieldSlot(string Name, Secret Secret);
}

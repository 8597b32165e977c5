using System.Collections.Concurrent;

namespace Secrets.Client;

/// <summary>One cached secret (or a cached not-found), its freshness times, and the JSON fields read from it.</summary>
internal sealed class CacheEntry
{
    private ConcurrentDictionary<string, Secret>? _fields;
    private FieldSlot? _firstField;
    private long _refreshAtTicks;
    private long _expiresAtTicks;
    private int _refreshing;
    private int _released;

    private CacheEntry(Secret? secret, SecretStoreException? notFound)
    {
        Secret = secret;
        NotFound = notFound;
    }

    /// <summary>Gets the cached secret; null for a negative entry.</summary>
    public Secret? Secret { get; }

    /// <summary>Gets the cached not-found error, for a negative entry.</summary>
    public SecretStoreException? NotFound { get; }

    public DateTimeOffset RefreshAt => new(RefreshAtTicks, TimeSpan.Zero);

    public DateTimeOffset ExpiresAt => new(ExpiresAtTicks, TimeSpan.Zero);

    /// <summary>Gets the refresh time in UTC ticks; a plain atomic read, for the hot path.</summary>
    public long RefreshAtTicks => Volatile.Read(ref _refreshAtTicks);

    /// <summary>Gets the expiry time in UTC ticks; a plain atomic read, for the hot path.</summary>
    public long ExpiresAtTicks => Volatile.Read(ref _expiresAtTicks);

    /// <summary>Gets or sets a value indicating whether the last refresh failed, so the value may be stale.</summary>
    public bool LastRefreshFailed { get; set; }

    /// <summary>Gets or sets the error of the last failed refresh.</summary>
    public SecretStoreException? LastError { get; set; }

    public static CacheEntry ForSecret(Secret secret) => new(secret, null);

    public static CacheEntry ForNotFound(SecretStoreException notFound) => new(null, notFound);

    public void SetTimes(DateTimeOffset refreshAt, DateTimeOffset expiresAt)
    {
        Volatile.Write(ref _refreshAtTicks, refreshAt.UtcTicks);
        Volatile.Write(ref _expiresAtTicks, expiresAt.UtcTicks);
    }

    public void PostponeRefresh(DateTimeOffset refreshAt) => Volatile.Write(ref _refreshAtTicks, refreshAt.UtcTicks);

    public bool TryBeginRefresh() => Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0;

    public void EndRefresh() => Volatile.Write(ref _refreshing, 0);

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

    private sealed record FieldSlot(string Name, Secret Secret);

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
}

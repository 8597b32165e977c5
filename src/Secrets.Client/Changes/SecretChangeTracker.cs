using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;

namespace Secrets.Client;

/// <summary>
/// The one change pipeline of a store. Every way a held or watched secret changes (a refresh that found a new value,
/// a write, a rotation, an invalidation, a removal at the backend, a push notification that led to a new version)
/// ends in <see cref="Raise"/>, which fires that secret's change token and then the store's event, once per change.
/// A secret someone asked a change token for is <em>watched</em>: it keeps a baseline (the change token of the last
/// version seen) and a check time independent of the value cache, so that evicting its value is not a change and does
/// not stop rotation from being noticed.
/// </summary>
internal sealed class SecretChangeTracker
{
    private readonly ConcurrentDictionary<SecretReference, WatchState> _watched = new();
    private readonly Action<SecretChangedEventArgs> _publish;

    public SecretChangeTracker(Action<SecretChangedEventArgs> publish) => _publish = publish;

    public int WatchedCount => _watched.Count;

    /// <summary>Gets the watched keys and their state, for the refresh scan.</summary>
    public IEnumerable<KeyValuePair<SecretReference, WatchState>> Watched => _watched;

    /// <summary>Watches a key (idempotent) and returns a token fired at its next change.</summary>
    public IChangeToken GetToken(SecretReference key, SecretProperties? held, long nextCheckTicks)
    {
        var state = _watched.GetOrAdd(key, static (_, arg) => new WatchState(arg.held?.ChangeToken, arg.nextCheckTicks), (held, nextCheckTicks));
        return state.Token;
    }

    public bool IsWatched(SecretReference key) => _watched.ContainsKey(key);

    /// <summary>
    /// A value arrived for a key that was not held: tells whether it differs from the watched baseline (a change nobody
    /// saw while the value was evicted or invalidated), and records it as the new baseline.
    /// </summary>
    public bool ObserveUnheld(SecretReference key, SecretProperties properties)
    {
        if (!_watched.TryGetValue(key, out var state))
        {
            return false;
        }

        var previous = state.Exchange(properties.ChangeToken, removed: false);
        return previous.Removed || (previous.Baseline is not null && properties.ChangeToken is not null && !string.Equals(previous.Baseline, properties.ChangeToken, StringComparison.Ordinal));
    }

    /// <summary>Records what a held value's landing already compared, so that a later unheld landing compares with it.</summary>
    public void ObserveHeld(SecretReference key, SecretProperties properties)
    {
        if (_watched.TryGetValue(key, out var state))
        {
            state.Exchange(properties.ChangeToken, removed: false);
        }
    }

    /// <summary>Sets (or clears, with null) a watched key's baseline and makes it due now, without raising anything.</summary>
    public void Rebase(SecretReference key, string? baseline, long nowTicks)
    {
        if (_watched.TryGetValue(key, out var state))
        {
            state.Exchange(baseline, removed: false);
            state.NextCheckTicks = nowTicks;
        }
    }

    /// <summary>Makes a watched key due for a version check at the next refresh.</summary>
    public void MarkDue(SecretReference key, long nowTicks)
    {
        if (_watched.TryGetValue(key, out var state))
        {
            state.NextCheckTicks = nowTicks;
        }
    }

    /// <summary>Records a removal of a watched key; tells whether it is news (the first removal since it was last seen).</summary>
    public bool ObserveRemoved(SecretReference key) =>
        _watched.TryGetValue(key, out var state) && !state.Exchange(state.Baseline, removed: true).Removed;

    /// <summary>Fires the key's change token, then the store's event.</summary>
    public void Raise(SecretChangedEventArgs args)
    {
        if (_watched.TryGetValue(args.Reference, out var state))
        {
            state.Fire();
        }

        _publish(args);
    }

    /// <summary>What is known of a watched secret: the baseline, whether it was removed, and when to check it next.</summary>
#pragma warning disable CA1001 // Fired sources are left undisposed on purpose (a late callback registration must still run); none holds a timer.
    internal sealed class WatchState
#pragma warning restore CA1001
    {
        private readonly Lock _gate = new();
        private CancellationTokenSource _source = new();
        private CancellationChangeToken _token;
        private long _nextCheckTicks;

        public WatchState(string? baseline, long nextCheckTicks)
        {
            Baseline = baseline;
            _nextCheckTicks = nextCheckTicks;
            _token = new CancellationChangeToken(_source.Token);
        }

        public string? Baseline { get; private set; }

        public bool Removed { get; private set; }

        public long NextCheckTicks
        {
            get => Volatile.Read(ref _nextCheckTicks);
            set => Volatile.Write(ref _nextCheckTicks, value);
        }

        public IChangeToken Token
        {
            get
            {
                lock (_gate)
                {
                    return _token;
                }
            }
        }

        public (string? Baseline, bool Removed) Exchange(string? baseline, bool removed)
        {
            lock (_gate)
            {
                var previous = (Baseline, Removed);
                Baseline = baseline;
                Removed = removed;
                return previous;
            }
        }

        /// <summary>Fires the current token and arms a fresh one for the next change (tokens are single-use).</summary>
        public void Fire()
        {
            CancellationTokenSource fired;
            lock (_gate)
            {
                fired = _source;
                _source = new CancellationTokenSource();
                _token = new CancellationChangeToken(_source.Token);
            }

            // Not disposed: a late RegisterChangeCallback on the fired token must still run at once.
            fired.Cancel();
        }
    }
}

namespace Secrets.Client.Aws.Events;

/// <summary>
/// Holds each <c>RotationSucceeded</c> that reached the listener before its rotation's stage move to <c>AWSCURRENT</c>
/// for a short confirmation window: the stage move, when it follows within the window, names the version and makes the
/// held event's version check useless, so the held event is dropped; when the window ends without one (the stage move was
/// lost), the held event is handed over, still the rotation's second signal. Each held event has a timer on the
/// listener's clock; whoever takes it out first (the stage move, the timer, a stop) decides it, exactly once.
/// </summary>
internal sealed class AwsHeldRotations : IDisposable
{
    /// <summary>The most secrets held at once; past it an event is handed over at once, as without the window.</summary>
    public const int MaxHeld = 1024;

    private readonly Dictionary<string, Held> _bySpelling = new(StringComparer.Ordinal);
    private readonly HashSet<Held> _held = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly Action<SecretChangeNotification> _windowEnded;
    private bool _disposed;

    /// <param name="time">The listener's clock.</param>
    /// <param name="window">How long to hold; zero holds nothing.</param>
    /// <param name="windowEnded">Called on a timer thread with an event whose window ended unconfirmed; starts its hand-over.</param>
    public AwsHeldRotations(TimeProvider time, TimeSpan window, Action<SecretChangeNotification> windowEnded)
    {
        _time = time;
        _window = window;
        _windowEnded = windowEnded;
    }

    /// <summary>Gets how many events are held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Whether a <c>RotationSucceeded</c> is for this class to hold (it names no version and has an event time).</summary>
    public static bool IsConfirmation(SecretChangeNotification notification) =>
        notification.EventType == "RotationSucceeded" && notification.Version is null && notification.EventTime is not null;

    /// <summary>Holds <paramref name="notification"/> and returns <see cref="HoldResult.Held"/>, or says why it is not held.</summary>
    public HoldResult TryHold(SecretChangeNotification notification)
    {
        if (_window <= TimeSpan.Zero || !IsConfirmation(notification))
        {
            return HoldResult.NotHeld;
        }

        lock (_lock)
        {
            if (_disposed)
            {
                return HoldResult.NotHeld;
            }

            if (Spellings(notification).Any(_bySpelling.ContainsKey))
            {
                return HoldResult.Duplicate; // the held one decides for both
            }

            if (_held.Count >= MaxHeld)
            {
                return HoldResult.NotHeld;
            }

            var held = new Held(notification);
            _held.Add(held);
            foreach (var spelling in Spellings(notification))
            {
                _bySpelling[spelling] = held;
            }

            held.Timer = _time.CreateTimer(static state => ((Tuple<AwsHeldRotations, Held>)state!).Item1.WindowEnded(((Tuple<AwsHeldRotations, Held>)state!).Item2), Tuple.Create(this, held), _window, Timeout.InfiniteTimeSpan);
            return HoldResult.Held;
        }
    }

    /// <summary>Takes out the held events that the handed-over stage move <paramref name="stageMove"/> confirms.</summary>
    /// <param name="stageMove">A notification the listener just handed over.</param>
    /// <param name="confirms">Whether a held event belongs to a rotation whose stage move was handed over (by event time).</param>
    public IReadOnlyList<SecretChangeNotification> TakeConfirmed(SecretChangeNotification stageMove, Func<SecretChangeNotification, bool> confirms)
    {
        List<SecretChangeNotification>? confirmed = null;
        lock (_lock)
        {
            foreach (var spelling in Spellings(stageMove))
            {
                if (_bySpelling.TryGetValue(spelling, out var held) && confirms(held.Notification) && Remove(held))
                {
                    (confirmed ??= []).Add(held.Notification);
                }
            }
        }

        return confirmed ?? (IReadOnlyList<SecretChangeNotification>)[];
    }

    /// <summary>Takes out every held event (a stop hands them over now).</summary>
    public IReadOnlyList<SecretChangeNotification> TakeAll()
    {
        lock (_lock)
        {
            var all = _held.ToList();
            foreach (var held in all)
            {
                Remove(held);
            }

            return [.. all.Select(h => h.Notification)];
        }
    }

    /// <summary>Drops every held event and stops their timers; nothing is held after.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var held in _held.ToList())
            {
                Remove(held);
            }
        }
    }

    private void WindowEnded(Held held)
    {
        lock (_lock)
        {
            if (!Remove(held))
            {
                return; // already confirmed, stopped or disposed
            }
        }

        _windowEnded(held.Notification);
    }

    private bool Remove(Held held)
    {
        if (!_held.Remove(held))
        {
            return false;
        }

        foreach (var spelling in Spellings(held.Notification))
        {
            if (_bySpelling.TryGetValue(spelling, out var owner) && ReferenceEquals(owner, held))
            {
                _bySpelling.Remove(spelling);
            }
        }

        held.Timer?.Dispose();
        return true;
    }

    private static IEnumerable<string> Spellings(SecretChangeNotification notification) => notification.Aliases.Prepend(notification.SecretName);

    private sealed class Held(SecretChangeNotification notification)
    {
        public SecretChangeNotification Notification { get; } = notification;

        public ITimer? Timer { get; set; }
    }
}

/// <summary>What <see cref="AwsHeldRotations.TryHold"/> did with an event.</summary>
internal enum HoldResult
{
    /// <summary>Not held: hand it over now (no window, not a confirmation, too many held, or disposed).</summary>
    NotHeld,

    /// <summary>Held until its stage move or the window's end.</summary>
    Held,

    /// <summary>The same secret's confirmation is already held: that one decides for both.</summary>
    Duplicate,
}

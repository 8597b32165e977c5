namespace Secrets.Client.Aws.Events;

/// <summary>
/// Remembers, per secret, the event time of the last stage move to <c>AWSCURRENT</c> this listener handed over, so that
/// the <c>RotationSucceeded</c> that ends the same rotation costs no version check: the store already fetches the version
/// the stage move named. A <c>RotationSucceeded</c> whose stage move was lost (or comes later) is still handed over, so
/// it stays the second signal of a rotation exactly when one is needed.
/// </summary>
internal sealed class AwsStageMoves
{
    /// <summary>How long a rotation may take from its stage move to <c>RotationSucceeded</c> (a rotation function's Lambda timeout).</summary>
    private static readonly TimeSpan RotationWindow = TimeSpan.FromMinutes(15);

    /// <summary>CloudTrail's <c>eventTime</c> has whole seconds: a stage move recorded up to a second after <c>RotationSucceeded</c> is the same rotation.</summary>
    private static readonly TimeSpan Precision = TimeSpan.FromSeconds(1);

    private const int PruneAbove = 1024;

    private readonly Dictionary<string, DateTimeOffset> _lastMoveToCurrent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>True for a <c>RotationSucceeded</c> of a rotation whose stage move to <c>AWSCURRENT</c> was already handed over.</summary>
    public bool AlreadyHandedOver(SecretChangeNotification notification)
    {
        if (notification.EventType != "RotationSucceeded" || notification.EventTime is not { } succeeded)
        {
            return false;
        }

        lock (_lock)
        {
            foreach (var spelling in Spellings(notification))
            {
                if (_lastMoveToCurrent.TryGetValue(spelling, out var moved) && moved >= succeeded - RotationWindow && moved <= succeeded + Precision)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Records a handed-over stage move to <c>AWSCURRENT</c> (the parser gives it the version it moved to).</summary>
    public void Record(SecretChangeNotification notification)
    {
        if (notification.EventType != "UpdateSecretVersionStage" || notification.Version is null || notification.EventTime is not { } moved)
        {
            return;
        }

        lock (_lock)
        {
            if (_lastMoveToCurrent.Count > PruneAbove)
            {
                foreach (var stale in _lastMoveToCurrent.Where(e => e.Value < moved - RotationWindow).Select(e => e.Key).ToList())
                {
                    _lastMoveToCurrent.Remove(stale);
                }
            }

            foreach (var spelling in Spellings(notification))
            {
                if (!_lastMoveToCurrent.TryGetValue(spelling, out var known) || known < moved)
                {
                    _lastMoveToCurrent[spelling] = moved;
                }
            }
        }
    }

    private static IEnumerable<string> Spellings(SecretChangeNotification notification) => notification.Aliases.Prepend(notification.SecretName);
}

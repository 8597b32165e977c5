namespace Secrets.Client.Events.Benchmarks.Fleet;

/// <summary>The fleet, the day and the store's options the simulation runs with.</summary>
/// <param name="Instances">Instances in the fleet.</param>
/// <param name="Secrets">Secrets each instance holds (the same ones fleet-wide).</param>
/// <param name="Duration">Simulated time; every secret is rotated once at a uniform random time in it.</param>
/// <param name="SafetyNet">The store's CacheDuration with a listener registered (SecretChangeListenerOptions.SafetyNetInterval).</param>
/// <param name="MaxDelay">The store's ChangeNotificationMaxDelay (uniform jitter before the check).</param>
/// <param name="DropRate">Fraction of (instance, rotation) deliveries lost.</param>
/// <param name="CheckBeforeFetch">Whether an event costs a version check and then a fetch (the store's rule before #13's
/// last step), or only the fetch (the store's rule now: the event names a version other than the held one).</param>
/// <param name="CallLatency">Round trip of one call to the secret manager or the transport.</param>
/// <param name="Seed">Random seed (the same rotations and delays for every cloud).</param>
/// <param name="RefreshAheadRatio">The store's RefreshAheadRatio: a held entry is refreshed at this fraction of CacheDuration.</param>
/// <param name="RefreshJitter">The store's RefreshJitter: that time is shortened by up to this fraction, at random.</param>
/// <param name="BackgroundRefresh">The store's BackgroundRefreshInterval: due entries are refreshed at its next tick.</param>
/// <param name="IgnoreNotCurrent">Whether the listener ignores events naming a version that is not current yet (the AWS listener does).</param>
/// <param name="NoVersionEventOlderThanHeldIsFree">Not built: whether a notification naming no version (RotationSucceeded)
/// costs nothing when its event time is at least two seconds (the clocks' whole-second precision) before the backend
/// served the held value; today it always costs a version check.</param>
/// <param name="ListenerDropsNoVersionAfterCurrent">Whether the AWS listener drops a RotationSucceeded for a secret whose
/// stage move to AWSCURRENT it already handed over (it does; it still passes one on when that event was lost or comes
/// later).</param>
/// <param name="RotationConfirmationDelay">The AWS listener's RotationConfirmationDelay: a RotationSucceeded received
/// before its stage move is held this long; dropped if the stage move is received within it, else handed over at its end.
/// Zero: handed over at once (the listener before).</param>
internal sealed record FleetRun(
    int Instances,
    int Secrets,
    TimeSpan Duration,
    TimeSpan SafetyNet,
    TimeSpan MaxDelay,
    double DropRate,
    bool CheckBeforeFetch,
    TimeSpan CallLatency,
    int Seed,
    double RefreshAheadRatio = 0.8,
    double RefreshJitter = 0.1,
    TimeSpan BackgroundRefresh = default,
    bool IgnoreNotCurrent = true,
    bool NoVersionEventOlderThanHeldIsFree = false,
    bool ListenerDropsNoVersionAfterCurrent = true,
    TimeSpan RotationConfirmationDelay = default)
{
    /// <summary>The time from a landed or confirmed value to its next safety-net check, drawn as <c>FetchLanding.SetFresh</c> does.</summary>
    public double NextCheckAfter(Random random) => SafetyNet.TotalSeconds * RefreshAheadRatio * (1 - (RefreshJitter * random.NextDouble()));
}

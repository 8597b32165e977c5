namespace Secrets.Client.Events.Benchmarks.Fleet;

/// <summary>The fleet, the day and the store's options the simulation runs with.</summary>
/// <param name="Instances">Instances in the fleet.</param>
/// <param name="Secrets">Secrets each instance holds (the same ones fleet-wide).</param>
/// <param name="Duration">Simulated time; every secret is rotated once at a uniform random time in it.</param>
/// <param name="SafetyNet">How often each instance version-checks each held secret regardless of events.</param>
/// <param name="MaxDelay">The store's ChangeNotificationMaxDelay (uniform jitter before the check).</param>
/// <param name="DropRate">Fraction of (instance, rotation) deliveries lost.</param>
/// <param name="CheckBeforeFetch">Whether an event costs a version check and then a fetch (the store's rule), or only a fetch when the event names a version newer than the held one.</param>
/// <param name="CallLatency">Round trip of one call to the secret manager or the transport.</param>
/// <param name="Seed">Random seed (the same rotations and delays for every cloud).</param>
internal sealed record FleetRun(
    int Instances,
    int Secrets,
    TimeSpan Duration,
    TimeSpan SafetyNet,
    TimeSpan MaxDelay,
    double DropRate,
    bool CheckBeforeFetch,
    TimeSpan CallLatency,
    int Seed);

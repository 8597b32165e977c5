namespace Secrets.Client.Events.Benchmarks.Fleet;

/// <summary>How change events reach an instance.</summary>
internal enum DeliveryKind
{
    /// <summary>A receive that waits up to <see cref="FleetScenario.Wait"/> for a message (SQS long poll, Pub/Sub pull).</summary>
    LongPoll,

    /// <summary>A receive every <see cref="FleetScenario.Wait"/> that returns at once (Azure Storage queue).</summary>
    ShortPoll,

    /// <summary>Pushed to the instance (Event Grid webhook, Vault websocket): no receive calls.</summary>
    Push,
}

/// <summary>What an event tells the store about the rotated secret.</summary>
internal enum RotationEventKind
{
    /// <summary>Names the version that is now current: the store fetches it (nothing if it already holds it).</summary>
    NamesNewVersion,

    /// <summary>Names a version that is not current yet (AWS RotateSecret, PutSecretValue to AWSPENDING): the AWS listener ignores it.</summary>
    NamesPendingVersion,

    /// <summary>Names no version (AWS RotationSucceeded): the store checks the version, and fetches if it moved.</summary>
    NamesNoVersion,
}

/// <summary>One cloud's listener as designed, with the assumptions the simulation makes about it.</summary>
/// <param name="Name">The row's name.</param>
/// <param name="Prices">The list prices.</param>
/// <param name="Kind">How events reach the instance.</param>
/// <param name="Wait">Long-poll wait or short-poll interval.</param>
/// <param name="MaxBatch">Messages one receive may return.</param>
/// <param name="DeleteBatched">Whether one delete call covers a receive's batch (SQS DeleteMessageBatch, Pub/Sub acknowledge) or one per message (Storage queue).</param>
/// <param name="DeliveryDelayMin">Shortest backend-to-queue delay.</param>
/// <param name="DeliveryDelayMax">Longest backend-to-queue delay (uniform between).</param>
/// <param name="UpkeepPerInstancePerDay">Subscription upkeep calls per instance per day (create, heartbeat, reaper).</param>
/// <param name="CountsQueueWrites">Whether the delivery into the instance's queue is a billed queue write (Event Grid into Storage).</param>
/// <param name="RotationEvents">The events one rotation emits, each with its time relative to the moment the new value
/// becomes current; null for one event naming the new version (<see cref="OneEvent"/>).</param>
/// <param name="RuleLeavesOut">Event kinds the EventBridge rule does not deliver (filtered at the source: they reach no
/// queue and cost nothing); null when the rule delivers every event of <paramref name="RotationEvents"/>.</param>
internal sealed record FleetScenario(
    string Name,
    PriceList Prices,
    DeliveryKind Kind,
    TimeSpan Wait,
    int MaxBatch,
    bool DeleteBatched,
    TimeSpan DeliveryDelayMin,
    TimeSpan DeliveryDelayMax,
    double UpkeepPerInstancePerDay,
    bool CountsQueueWrites,
    (RotationEventKind Kind, TimeSpan Offset)[]? RotationEvents = null,
    RotationEventKind[]? RuleLeavesOut = null)
{
    /// <summary>
    /// What <c>AwsSecretChangeListener.RecommendedEventPattern</c> leaves out: a rotation's first steps (RotateSecret,
    /// PutSecretValue to AWSPENDING); the stage move to AWSCURRENT and RotationSucceeded are delivered.
    /// </summary>
    public static readonly RotationEventKind[] RecommendedAwsRule = [RotationEventKind.NamesPendingVersion];

    /// <summary>The events of one rotation that reach an instance's queue.</summary>
    public (RotationEventKind Kind, TimeSpan Offset)[] DeliveredEvents =>
        [.. (RotationEvents ?? OneEvent).Where(e => RuleLeavesOut is null || !RuleLeavesOut.Contains(e.Kind))];

    /// <summary>A rotation as one write that makes a new version current (AWS PutSecretValue, a new GCP or Key Vault version, a Vault KV write).</summary>
    public static readonly (RotationEventKind Kind, TimeSpan Offset)[] OneEvent = [(RotationEventKind.NamesNewVersion, TimeSpan.Zero)];

    /// <summary>
    /// An AWS Lambda rotation as CloudTrail records it: RotateSecret and the function's PutSecretValue to AWSPENDING
    /// (both naming the pending version), the function's UpdateSecretVersionStage to AWSCURRENT (the moment the value
    /// changes) and the service's RotationSucceeded (no version). The steps' spacing is an assumption (a few seconds).
    /// </summary>
    public static readonly (RotationEventKind Kind, TimeSpan Offset)[] AwsLambdaRotation =
    [
        (RotationEventKind.NamesPendingVersion, TimeSpan.FromSeconds(-10)),
        (RotationEventKind.NamesPendingVersion, TimeSpan.FromSeconds(-8)),
        (RotationEventKind.NamesNewVersion, TimeSpan.Zero),
        (RotationEventKind.NamesNoVersion, TimeSpan.FromSeconds(1)),
    ];
}

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
    bool CountsQueueWrites);

namespace Secrets.Client.Events.Benchmarks.Fleet;

/// <summary>Every call the fake transports and the fake secret manager were asked for, fleet-wide, over the simulated day.</summary>
internal sealed class CallCounters
{
    public long Receives { get; set; }

    public long EmptyReceives { get; set; }

    public long Deletes { get; set; }

    public long Upkeep { get; set; }

    public long QueueWrites { get; set; }

    public long Deliveries { get; set; }

    public long VersionChecks { get; set; }

    public long Fetches { get; set; }

    public long SafetyNetChecks { get; set; }

    public long SafetyNetFetches { get; set; }

    public long PollFetches { get; set; }

    public long SecretManagerCalls => VersionChecks + Fetches + SafetyNetChecks + SafetyNetFetches + PollFetches;

    public long TransportCalls => Receives + Deletes + Upkeep + QueueWrites;
}

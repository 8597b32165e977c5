namespace Secrets.Client.Events.Benchmarks.Fleet;

/// <summary>What one simulated day cost and how stale instances were.</summary>
internal sealed record FleetResult(FleetScenario Scenario, CallCounters Calls, double[] StalenessSeconds, double[] DroppedStalenessSeconds, int Dropped)
{
    public double SecretManagerCost => Scenario.Prices.SecretManager(Calls);

    public double TransportCost => Scenario.Prices.Transport(Calls);

    public double Total => SecretManagerCost + TransportCost;
}

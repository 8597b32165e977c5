namespace Secrets.Client.Events.Benchmarks.Fleet;

/// <summary>What one simulated day cost and how stale instances were (every lost delivery is caught by a safety-net check, <see cref="CaughtWithinDay"/> of them within the simulated day).</summary>
internal sealed record FleetResult(FleetScenario Scenario, CallCounters Calls, double[] StalenessSeconds, double[] DroppedStalenessSeconds, int Dropped, int CaughtWithinDay)
{
    public double SecretManagerCost => Scenario.Prices.SecretManager(Calls);

    public double TransportCost => Scenario.Prices.Transport(Calls);

    public double Total => SecretManagerCost + TransportCost;
}

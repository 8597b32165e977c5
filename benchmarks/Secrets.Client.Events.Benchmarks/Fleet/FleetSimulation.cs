namespace Secrets.Client.Events.Benchmarks.Fleet;

internal static class FleetSimulation
{
    public static int Run(string[] args) => 0;
}

using Secrets.Client.Events.Benchmarks.EndToEnd;
using Secrets.Client.Events.Benchmarks.Fleet;

// p5: end-to-end rotation latency on the emulators (real time). p6: fleet cost simulation (simulated time).
//   dotnet run -c Release --project benchmarks/Secrets.Client.Events.Benchmarks -- p5 [rotations]
//   dotnet run -c Release --project benchmarks/Secrets.Client.Events.Benchmarks -- p6
return args.FirstOrDefault() switch
{
    "p5" => await RotationLatency.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 120),
    "p6" => FleetSimulation.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: p5 [rotations] | p6");
    return 2;
}

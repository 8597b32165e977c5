using BenchmarkDotNet.Running;
using Secrets.Client.Benchmarks;

// `dotnet run -c Release -- --scenarios` prints the count and wall-time scenarios; anything else goes to BenchmarkDotNet.
if (args.Contains("--scenarios"))
{
    await Scenarios.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(WarmReadBenchmarks).Assembly).Run(args);

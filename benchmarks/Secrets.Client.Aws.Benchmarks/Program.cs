using BenchmarkDotNet.Running;
using Secrets.Client.Aws.Benchmarks;

if (args is ["--interleaved", ..])
{
    await InterleavedColdFetch.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

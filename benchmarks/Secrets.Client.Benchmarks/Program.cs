using BenchmarkDotNet.Running;
using Secrets.Client.Benchmarks;

// `dotnet run -c Release -- --scenarios` prints the count and wall-time scenarios; anything else goes to BenchmarkDotNet.
if (args.Contains("--scenarios"))
{
    await Scenarios.RunAsync();
    return;
}

// `--changes [rounds]` measures how fast changes reach IOptionsMonitor (see ChangePropagation).
var changes = Array.IndexOf(args, "--changes");
if (changes >= 0)
{
    await ChangePropagation.RunAsync(changes + 1 < args.Length && int.TryParse(args[changes + 1], out var changeRounds) ? changeRounds : 50);
    return;
}

// `--interleaved [rounds]` runs the warm-read rows round-robin in one process (see InterleavedWarmRead).
var interleaved = Array.IndexOf(args, "--interleaved");
if (interleaved >= 0)
{
    InterleavedWarmRead.Run(interleaved + 1 < args.Length && int.TryParse(args[interleaved + 1], out var rounds) ? rounds : 20_000);
    return;
}

// `--bookkeeping [count] [repeats]` measures the managed bytes the store keeps per cached secret (see CacheBookkeeping).
var bookkeeping = Array.IndexOf(args, "--bookkeeping");
if (bookkeeping >= 0)
{
    var count = bookkeeping + 1 < args.Length && int.TryParse(args[bookkeeping + 1], out var n) ? n : 100_000;
    var repeats = bookkeeping + 2 < args.Length && int.TryParse(args[bookkeeping + 2], out var r) ? r : 3;
    await CacheBookkeeping.RunAsync(count, repeats);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(WarmReadBenchmarks).Assembly).Run(args);

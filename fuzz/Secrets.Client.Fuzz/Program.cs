using System.Globalization;
using Secrets.Client.Fuzz;

// Usage (see docs/fuzzing.md):
//   list                                  the targets
//   run <target|all> [--count N] [--seed S] [--max-length B] [--max-seconds T] [--findings DIR]
//                                         in-process mutation fuzzing; exit code 1 when anything is found
//   afl <target>                          one input per afl-fuzz execution, through SharpFuzz (instrument the DLLs first)
//   seeds <target> <dir>                  writes the seed corpus, and <dir>.dict (afl's -x dictionary)
//   bench [--rounds N]                    times the .env seeds (the crashers) in interleaved rounds
//   repro <target> <file>                 runs one input and prints what it threw
var command = args.Length > 0 ? args[0] : "list";
switch (command)
{
    case "list":
        foreach (var name in FuzzTargets.Names)
        {
            Console.WriteLine(name);
        }

        return 0;

    case "run" when args.Length >= 2:
        var count = long.Parse(Option("--count", "100000"), CultureInfo.InvariantCulture);
        var seed = int.Parse(Option("--seed", "1"), CultureInfo.InvariantCulture);
        var maxLength = int.Parse(Option("--max-length", "65536"), CultureInfo.InvariantCulture);
        var findingsDirectory = Option("--findings", string.Empty);
        var maxSeconds = double.Parse(Option("--max-seconds", "0"), CultureInfo.InvariantCulture);
        var found = 0;
        foreach (var name in args[1] == "all" ? FuzzTargets.Names : [args[1]])
        {
            var target = FuzzTargets.Create(name);
            try
            {
                var report = new MutationFuzzer(target, seed, maxLength).Run(
                    count,
                    budget: maxSeconds > 0 ? TimeSpan.FromSeconds(maxSeconds) : null,
                    progress: done => Console.WriteLine($"{name}: {done:N0} inputs at {DateTime.UtcNow:HH:mm:ss}"));
                Console.WriteLine(report);
                foreach (var finding in report.Findings)
                {
                    Console.WriteLine("  " + finding);
                    if (findingsDirectory.Length > 0)
                    {
                        Directory.CreateDirectory(findingsDirectory);
                        File.WriteAllBytes(Path.Combine(findingsDirectory, $"{name}-{found}.bin"), finding.Input);
                    }

                    found++;
                }
            }
            finally
            {
                (target as IDisposable)?.Dispose();
            }
        }

        return found == 0 ? 0 : 1;

    case "afl" when args.Length >= 2:
        var aflTarget = FuzzTargets.Create(args[1]);
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            aflTarget.Run(copy.GetBuffer().AsSpan(0, (int)copy.Length));
        });
        return 0;

    case "seeds" when args.Length >= 3:
        var seedTarget = FuzzTargets.Create(args[1]);
        Directory.CreateDirectory(args[2]);
        for (var i = 0; i < seedTarget.Seeds.Count; i++)
        {
            File.WriteAllBytes(Path.Combine(args[2], $"seed-{i:D3}"), seedTarget.Seeds[i]);
        }

        // afl's dictionary format: name="value" with \xNN escapes for anything outside printable ASCII, '"' and '\'.
        File.WriteAllLines(args[2].TrimEnd('/') + ".dict", seedTarget.Dictionary.Select((token, i) =>
            $"t{i}=\"{string.Concat(token.Select(b => b is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}"))}\""));
        (seedTarget as IDisposable)?.Dispose();
        return 0;

    case "bench":
        CrasherBenchmark.Run(FuzzTargets.Create("dotenv"), int.Parse(Option("--rounds", "5"), CultureInfo.InvariantCulture), Console.Out);
        return 0;

    case "repro" when args.Length >= 3:
        var reproTarget = FuzzTargets.Create(args[1]);
        try
        {
            reproTarget.Run(File.ReadAllBytes(args[2]));
            Console.WriteLine("no finding");
            return 0;
        }
        catch (Exception ex)
        {
            Console.WriteLine(ex);
            return 1;
        }
        finally
        {
            (reproTarget as IDisposable)?.Dispose();
        }

    default:
        Console.Error.WriteLine("usage: list | run <target|all> [--count N] [--seed S] [--max-length B] [--max-seconds T] [--findings DIR] | afl <target> | seeds <target> <dir> | bench [--rounds N] | repro <target> <file>");
        return 2;
}

string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

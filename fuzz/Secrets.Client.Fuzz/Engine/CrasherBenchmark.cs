using System.Diagnostics;
using Secrets.Client.Local;

namespace Secrets.Client.Fuzz;

/// <summary>
/// Times the <c>.env</c> seeds (the crashers of issue #11 first) through the parser and expander, in interleaved rounds
/// in one process, and prints each one's median and worst CPU time (the machine is shared: wall time is printed but is
/// mostly the scheduler's), its median wall time, the bytes it allocated and what it gave (the expanded
/// size, or the typed error), with the load average beside them.
/// </summary>
internal static class CrasherBenchmark
{
    public static void Run(FuzzTarget target, int rounds, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(target);
        var seeds = target.Seeds;
        var times = seeds.Select(_ => new List<double>()).ToArray();
        var cpuTimes = seeds.Select(_ => new List<double>()).ToArray();
        var allocated = new long[seeds.Count];
        var outcomes = new string[seeds.Count];
        output.WriteLine($"load average before: {LoadAverage()}");
        for (var round = 0; round < rounds + 1; round++)
        {
            for (var i = 0; i < seeds.Count; i++)
            {
                var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
                var before = Stopwatch.GetTimestamp();
                var cpuBefore = ThreadCpuTime.Now();
                string outcome;
                try
                {
                    var copy = seeds[i][1..];
                    using var content = DotEnvContent.Parse(copy, strict: (seeds[i][0] & 1) == 1, expand: true, "bench.env", static _ => null);
                    outcome = $"{content.Entries.Count} keys, {content.Values.Length:N0} B of values";
                }
                catch (DotEnvSyntaxException ex)
                {
                    outcome = ex.GetType().Name + (ex.Message.Contains("deep", StringComparison.Ordinal) ? " (too deep)" : ex.Message.Contains("longer", StringComparison.Ordinal) ? " (too long)" : string.Empty);
                }

                var elapsed = Stopwatch.GetElapsedTime(before).TotalMilliseconds;
                var cpu = Stopwatch.GetElapsedTime(0, ThreadCpuTime.Now() - cpuBefore).TotalMilliseconds;
                if (round > 0)
                {
                    // Round 0 warms up the JIT.
                    times[i].Add(elapsed);
                    cpuTimes[i].Add(cpu);
                    allocated[i] = GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
                    outcomes[i] = outcome;
                }
            }
        }

        output.WriteLine($"load average after: {LoadAverage()}");
        output.WriteLine("| seed | bytes | median CPU ms | max CPU ms | median wall ms | allocated | result |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        for (var i = 0; i < seeds.Count; i++)
        {
            var wall = times[i].Order().ToArray();
            var cpu = cpuTimes[i].Order().ToArray();
            output.WriteLine($"| {i} | {seeds[i].Length:N0} | {cpu[cpu.Length / 2]:F2} | {cpu[^1]:F2} | {wall[wall.Length / 2]:F2} | {allocated[i]:N0} B | {outcomes[i]} |");
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}

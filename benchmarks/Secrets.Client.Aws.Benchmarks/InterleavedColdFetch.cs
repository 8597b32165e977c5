using System.Diagnostics;
using System.Globalization;

namespace Secrets.Client.Aws.Benchmarks;

/// <summary>
/// The <see cref="ColdFetchBenchmarks"/> rows run round-robin in one process, one call of each per round, so that load
/// from other work on a shared machine falls on all of them alike (BenchmarkDotNet runs them one after another, minutes
/// apart). Prints percentiles and trimmed means per row and their ratio to the raw pre-signed request.
/// </summary>
internal static class InterleavedColdFetch
{
    public static async Task RunAsync(int rounds)
    {
        var bench = new ColdFetchBenchmarks();
        await bench.SetupAsync();
        try
        {
            var rows = new (string Name, Func<Task<int>> Run)[]
            {
                ("raw pre-signed", bench.RawPreSignedAsync),
                ("raw signed per call", bench.RawSignedPerCallAsync),
                ("raw signed, pooled, SecretValue", bench.RawSignedStreamedAsync),
                ("adapter GetSecretAsync", bench.AdapterAsync),
            };
            var times = rows.Select(_ => new double[rounds]).ToArray();
            for (var i = 0; i < Math.Max(rounds / 5, 500); i++)
            {
                foreach (var row in rows)
                {
                    await row.Run();
                }
            }

            for (var i = 0; i < rounds; i++)
            {
                for (var k = 0; k < rows.Length; k++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await rows[k].Run();
                    times[k][i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                }
            }

            foreach (var t in times)
            {
                Array.Sort(t);
            }

            double Trimmed(double[] x) => x[(rounds / 20)..(rounds * 19 / 20)].Average();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rounds} rounds, {Environment.ProcessorCount} cores; times in us; ratio to the raw pre-signed request"));
            Console.WriteLine($"{"row",-33} {"p10",7} {"p50",7} {"p90",7} {"mean5-95",9} {"ratio p50",10} {"ratio mean",11}");
            for (var k = 0; k < rows.Length; k++)
            {
                var x = times[k];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows[k].Name,-33} {x[rounds / 10],7:F1} {x[rounds / 2],7:F1} {x[rounds * 9 / 10],7:F1} {Trimmed(x),9:F1} {x[rounds / 2] / times[0][rounds / 2],10:F2} {Trimmed(x) / Trimmed(times[0]),11:F2}"));
            }
        }
        finally
        {
            await bench.CleanupAsync();
        }
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Secrets.Client.Benchmarks;

/// <summary>
/// The <see cref="WarmReadBenchmarks"/> rows run round-robin in one process, one batch of each per round, so that load
/// from other work on a shared machine falls on all of them alike (BenchmarkDotNet runs rows minutes apart). Prints
/// per-read percentiles and trimmed means, their ratio to <c>IMemoryCache.TryGetValue</c>, bytes allocated per read,
/// and the load average.
/// </summary>
internal static class InterleavedWarmRead
{
    private const int Batch = 1_000;

    public static void Run(int rounds)
    {
        var bench = new WarmReadBenchmarks();
        bench.Setup();
        try
        {
            var rows = new (string Name, Func<object?> Run)[]
            {
                ("IMemoryCache.TryGetValue", bench.MemoryCacheTryGetValue),
                ("ConcurrentDictionary.TryGetValue", bench.ConcurrentDictionaryTryGetValue),
                ("SecretStore warm read", bench.SecretStoreWarmRead),
                ("SecretStore warm #field read", bench.SecretStoreWarmFieldRead),
            };
            var times = rows.Select(_ => new double[rounds]).ToArray();
            var bytes = new long[rows.Length];
            for (var i = 0; i < 2_000; i++)
            {
                foreach (var row in rows)
                {
                    RunBatch(row.Run);
                }
            }

            for (var i = 0; i < rounds; i++)
            {
                for (var k = 0; k < rows.Length; k++)
                {
                    var allocated = GC.GetAllocatedBytesForCurrentThread();
                    var start = Stopwatch.GetTimestamp();
                    RunBatch(rows[k].Run);
                    times[k][i] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / Batch;
                    bytes[k] += GC.GetAllocatedBytesForCurrentThread() - allocated;
                }
            }

            foreach (var t in times)
            {
                Array.Sort(t);
            }

            double Trimmed(double[] x) => x[(rounds / 20)..(rounds * 19 / 20)].Average();
            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rounds} rounds of {Batch} reads per row, {Environment.ProcessorCount} cores, load average {load}; ns per read"));
            Console.WriteLine($"{"row",-34} {"p10",6} {"p50",6} {"p90",6} {"mean5-95",9} {"ratio p50",10} {"ratio mean",11} {"B/read",7}");
            for (var k = 0; k < rows.Length; k++)
            {
                var x = times[k];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows[k].Name,-34} {x[rounds / 10],6:F1} {x[rounds / 2],6:F1} {x[rounds * 9 / 10],6:F1} {Trimmed(x),9:F1} {x[rounds / 2] / times[0][rounds / 2],10:F2} {Trimmed(x) / Trimmed(times[0]),11:F2} {(double)bytes[k] / rounds / Batch,7:F2}"));
            }
        }
        finally
        {
            bench.Cleanup();
        }
    }

    private static void RunBatch(Func<object?> read)
    {
        for (var i = 0; i < Batch; i++)
        {
            read();
        }
    }
}

using System.Globalization;

namespace Secrets.Client.MemoryProbe;

/// <summary>Creates many small secrets and reports their protection, native cost and managed cost.</summary>
internal static class MemlockProbe
{
    public static int Run(int count, int length)
    {
        var values = new SecretValue[count];
        var bytes = new byte[length];
        var counts = new Dictionary<string, int>();
        var refused = 0;
        var managedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(bytes, i);
            try
            {
                values[i] = SecretValue.FromBytes(bytes);
            }
            catch (SecretMemoryLockException)
            {
                refused++;
                continue;
            }

            var tier = (values[i].Protection & SecretMemoryProtection.HiddenFromKernel) != 0 ? "memfd_secret"
                : (values[i].Protection & SecretMemoryProtection.LockedInMemory) != 0 ? "locked" : "unlocked";
            counts[tier] = counts.GetValueOrDefault(tier) + 1;
        }

        var managed = GC.GetAllocatedBytesForCurrentThread() - managedBefore;

        // Values whose memory was refused must leave nothing for a finalizer to trip over.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var status = File.ReadAllLines("/proc/self/status");
        var limits = File.ReadAllLines("/proc/self/limits");
        var secretmem = File.ReadAllLines("/proc/self/maps").Where(l => l.Contains("secretmem", StringComparison.Ordinal)).Sum(MappingSize);
        Console.WriteLine($"memfd_secret={counts.GetValueOrDefault("memfd_secret")}");
        Console.WriteLine($"locked={counts.GetValueOrDefault("locked")}");
        Console.WriteLine($"unlocked={counts.GetValueOrDefault("unlocked")}");
        Console.WriteLine($"refused={refused}");
        Console.WriteLine($"secretmem_bytes={secretmem}");
        Console.WriteLine($"managed_bytes_per_value={(double)managed / count:F1}");
        Console.WriteLine($"cap_eff={status.First(l => l.StartsWith("CapEff:", StringComparison.Ordinal))[7..].Trim()}");
        Console.WriteLine($"memlock_limit={limits.First(l => l.StartsWith("Max locked memory", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]}");
        GC.KeepAlive(values);
        return 0;
    }

    private static long MappingSize(string line)
    {
        var range = line[..line.IndexOf(' ', StringComparison.Ordinal)].Split('-');
        return long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) -
            long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}

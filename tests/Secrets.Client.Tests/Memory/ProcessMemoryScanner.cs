using System.Diagnostics;
using System.Globalization;

namespace Secrets.Client.Tests.Memory;

/// <summary>
/// Looks for a canary in another process the three ways an attacker with the same uid (or root) would: reading its
/// memory through /proc/&lt;pid&gt;/mem, a gcore core file, and a .NET createdump full dump.
/// </summary>
internal static class ProcessMemoryScanner
{
    private const int Chunk = 1 << 20;

    /// <summary>Scans every readable mapping; returns where each hit is and how many secretmem mappings refused the read.</summary>
    public static (List<string> Hits, int RefusedSecretMappings) ScanProcMem(int pid, IReadOnlyList<byte[]> patterns)
    {
        var hits = new List<string>();
        var refused = 0;
        using var mem = new FileStream($"/proc/{pid}/mem", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
        var buffer = new byte[Chunk];
        foreach (var line in File.ReadAllLines($"/proc/{pid}/maps"))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            var name = fields.Length > 5 ? fields[5].Trim() : string.Empty;
            if (fields[1][0] != 'r' || name == "[vvar]" || name == "[vvar_vclock]")
            {
                if (name.Contains("secretmem", StringComparison.Ordinal))
                {
                    refused += TryRead(mem, line, buffer) ? 0 : 1;
                }

                continue;
            }

            var range = fields[0].Split('-');
            var start = long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var end = long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            try
            {
                ScanRange(mem, start, end, buffer, patterns, (offset, p) => hits.Add($"pattern {p} in {name} @0x{offset:x}"));
            }
            catch (IOException)
            {
                refused += name.Contains("secretmem", StringComparison.Ordinal) ? 1 : 0;
            }
        }

        return (hits, refused);
    }

    public static List<string> ScanFile(string path, IReadOnlyList<byte[]> patterns)
    {
        var hits = new List<string>();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        ScanRange(file, 0, file.Length, new byte[Chunk], patterns, (offset, p) => hits.Add($"pattern {p} in {Path.GetFileName(path)} @0x{offset:x}"));
        return hits;
    }

    /// <summary>Writes a core file with gdb's gcore, which honours MADV_DONTDUMP.</summary>
    public static async Task<string> GcoreAsync(int pid, string directory)
    {
        var prefix = Path.Combine(directory, "core");
        await RunAsync("gcore", ["-o", prefix, pid.ToString(CultureInfo.InvariantCulture)]);
        return $"{prefix}.{pid}";
    }

    /// <summary>Writes a full dump with the createdump that ships beside libcoreclr.so, which ignores MADV_DONTDUMP.</summary>
    public static async Task<string> CreateDumpAsync(int pid, string directory)
    {
        var path = Path.Combine(directory, "createdump.dmp");
        var createdump = Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "createdump");
        await RunAsync(createdump, ["--full", "-f", path, pid.ToString(CultureInfo.InvariantCulture)]);
        return path;
    }

    private static bool TryRead(FileStream mem, string line, byte[] buffer)
    {
        try
        {
            mem.Position = long.Parse(line[..line.IndexOf('-', StringComparison.Ordinal)], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return mem.Read(buffer, 0, 16) > 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void ScanRange(FileStream stream, long start, long end, byte[] buffer, IReadOnlyList<byte[]> patterns, Action<long, int> hit)
    {
        var overlap = patterns.Max(p => p.Length) - 1;
        var position = start;
        while (position < end)
        {
            stream.Position = position;
            var wanted = (int)Math.Min(buffer.Length, end - position);
            var read = stream.Read(buffer, 0, wanted);
            if (read <= 0)
            {
                break;
            }

            for (var p = 0; p < patterns.Count; p++)
            {
                var pattern = patterns[p];
                var span = buffer.AsSpan(0, read);
                var from = 0;
                int index;
                while ((index = span[from..].IndexOf(pattern)) >= 0)
                {
                    hit(position + from + index, p);
                    from += index + 1;
                }
            }

            position += read <= overlap ? read : read - overlap;
            if (read < wanted)
            {
                break;
            }
        }
    }

    private static async Task RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        _ = await output;
        Assert.True(process.ExitCode == 0, $"{file} failed ({process.ExitCode}): {error}");
    }
}

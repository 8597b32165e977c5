using System.Globalization;

namespace Secrets.Client.Cli;

/// <summary>Doctor's machine checks: whether secret memory can be locked, and whether a crash would write it to a dump.</summary>
internal static class MachineChecks
{
    public const string Memlock = "memlock-limit";
    public const string CoreDumps = "core-dumps";
    public const string DotnetDumps = "dotnet-crash-dumps";

    /// <summary>The SDK locks a few pages per process; below this many bytes it falls back to unlocked memory.</summary>
    private const long MinimumMemlockBytes = 1024 * 1024;

    public static IEnumerable<DoctorFinding> Run(CliContext context, string limitsPath = "/proc/self/limits")
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(limitsPath))
        {
            yield break;
        }

        var limits = File.ReadAllLines(limitsPath);
        if (SoftLimit(limits, "Max locked memory") is { } memlock && memlock < MinimumMemlockBytes)
        {
            yield return new DoctorFinding(Memlock, null, null,
                $"RLIMIT_MEMLOCK is {memlock.ToString(CultureInfo.InvariantCulture)} bytes: secret pages cannot all be locked against swap.",
                "raise it: `ulimit -l 65536` in the shell, LimitMEMLOCK=64M in the systemd unit, `--ulimit memlock=67108864` for docker, or use a kernel with memfd_secret.");
        }

        if (SoftLimit(limits, "Max core file size") is not 0)
        {
            var pattern = File.Exists("/proc/sys/kernel/core_pattern") ? File.ReadAllText("/proc/sys/kernel/core_pattern").Trim() : "core";
            yield return new DoctorFinding(CoreDumps, null, null,
                $"core dumps are enabled (RLIMIT_CORE is not 0; core_pattern '{pattern}'): a crash may write process memory, secrets included, to disk.",
                "set `ulimit -c 0` (LimitCORE=0 in systemd, `--ulimit core=0` in docker); the SDK also excludes its pages with MADV_DONTDUMP where it can.");
        }

        if (context.Variable("DOTNET_DbgEnableMiniDump") == "1" && context.Variable("DOTNET_DbgMiniDumpType") is not ("1" or null))
        {
            yield return new DoctorFinding(DotnetDumps, null, null,
                "DOTNET_DbgEnableMiniDump=1 with a heap or full dump type: .NET crash dumps would include managed and native memory.",
                "use DOTNET_DbgMiniDumpType=1 (mini) or turn crash dumps off where secrets are loaded.");
        }
    }

    private static long? SoftLimit(string[] limits, string name)
    {
        var line = limits.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        var soft = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return soft is null || soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
    }
}

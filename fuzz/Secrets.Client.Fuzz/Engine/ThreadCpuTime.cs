using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Secrets.Client.Fuzz;

/// <summary>
/// The CPU time of the calling thread, so that a hang means work the parser did, not time the scheduler gave to other
/// processes (the fuzz runs share a busy machine at the lowest priority). Falls back to wall time where the clock is missing.
/// </summary>
internal static partial class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Gets the calling thread's CPU time in <see cref="Stopwatch"/> ticks.</summary>
    public static long Now()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out var time) == 0)
        {
            return (long)((time.Seconds * 1_000_000_000.0 + time.Nanoseconds) * Stopwatch.Frequency / 1_000_000_000.0);
        }

        return Stopwatch.GetTimestamp();
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

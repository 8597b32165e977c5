using Microsoft.Diagnostics.Runtime;

namespace Secrets.Client.Tests.Shared;

/// <summary>
/// Looks through this process's managed heap (a ClrMD snapshot of the process) for strings that contain a canary: a value
/// read into secret memory must never have been materialised as a managed string anywhere along the way.
/// </summary>
internal static class ManagedHeap
{
    /// <summary>Returns how many strings on the managed heap contain <paramref name="canary"/> (given as characters so that the search itself makes no such string).</summary>
    public static int CountStringsContaining(char[] canary)
    {
        // Dead objects would count too; collect first so only what is still reachable, or not yet reclaimed, remains.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var target = DataTarget.CreateSnapshotAndAttach(Environment.ProcessId);
        // The DAC ships beside the runtime; ClrMD does not download it on Linux.
        var dac = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), OperatingSystem.IsWindows() ? "mscordaccore.dll" : "libmscordaccore.so");
        using var runtime = File.Exists(dac) ? target.ClrVersions[0].CreateRuntime(dac, ignoreMismatch: true) : target.ClrVersions[0].CreateRuntime();
        var count = 0;
        foreach (var obj in runtime.Heap.EnumerateObjects())
        {
            if (obj.Type?.IsString == true && obj.AsString(maxLength: 1 << 20) is { } text && text.AsSpan().IndexOf(canary) >= 0)
            {
                count++;
            }
        }

        return count;
    }
}

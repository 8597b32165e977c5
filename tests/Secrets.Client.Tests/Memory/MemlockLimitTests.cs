using System.Globalization;

namespace Secrets.Client.Tests.Memory;

/// <summary>
/// Runs a child process as an ordinary process would run (no CAP_IPC_LOCK, RLIMIT_MEMLOCK of 8 MiB), so the limit
/// that root's capability hides from every in-process test is real.
/// </summary>
public sealed class MemlockLimitTests
{
    private const long CapIpcLock = 1L << 14;

    [Fact]
    public async Task A_hundred_thousand_32_byte_secrets_are_all_locked_within_8_MiB()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var report = await ProbeProcess.RunAsync(["memlock", "100000", "32"], withoutMemlockPrivilege: true);

        AssertLimitEnforced(report);
        Assert.Equal("0", report["unlocked"]);
        Assert.Equal("0", report["refused"]);
        var protectedCount = int.Parse(report[KernelMemory.HasMemfdSecret ? "memfd_secret" : "locked"], CultureInfo.InvariantCulture);
        Assert.Equal(100_000, protectedCount);
        if (KernelMemory.HasMemfdSecret)
        {
            Assert.InRange(long.Parse(report["secretmem_bytes"], CultureInfo.InvariantCulture) / 100_000.0, 32, 80);
        }

        Assert.InRange(double.Parse(report["managed_bytes_per_value"], CultureInfo.InvariantCulture), 1, 400);
    }

    [Fact]
    public async Task Without_memfd_secret_the_same_secrets_are_locked_with_mlock()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var report = await ProbeProcess.RunAsync(
            ["memlock", "100000", "32"],
            new Dictionary<string, string> { [SecretMemorySwitches.DisableMemfdSecretVariable] = "1" },
            withoutMemlockPrivilege: true);

        AssertLimitEnforced(report);
        Assert.Equal("0", report["memfd_secret"]);
        Assert.Equal("100000", report["locked"]);
        Assert.Equal("0", report["secretmem_bytes"]);
    }

    [Fact]
    public async Task Past_the_limit_values_fall_back_to_unlocked_memory_and_say_so()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var report = await ProbeProcess.RunAsync(["memlock", "300000", "32"], withoutMemlockPrivilege: true);

        AssertLimitEnforced(report);
        Assert.Equal("0", report["refused"]);
        var locked = int.Parse(report["memfd_secret"], CultureInfo.InvariantCulture) + int.Parse(report["locked"], CultureInfo.InvariantCulture);
        var unlocked = int.Parse(report["unlocked"], CultureInfo.InvariantCulture);
        Assert.Equal(300_000, locked + unlocked);
        Assert.InRange(locked, 200_000, 262_144);
        Assert.True(unlocked > 0);
    }

    [Fact]
    public async Task Requiring_locked_memory_refuses_values_past_the_limit_instead_of_leaving_them_unlocked()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var report = await ProbeProcess.RunAsync(
            ["memlock", "300000", "32"],
            new Dictionary<string, string> { [SecretMemorySwitches.RequireLockedMemoryVariable] = "1" },
            withoutMemlockPrivilege: true);

        AssertLimitEnforced(report);
        Assert.Equal("0", report["unlocked"]);
        Assert.True(int.Parse(report["refused"], CultureInfo.InvariantCulture) > 0);
    }

    private static void AssertLimitEnforced(Dictionary<string, string> report)
    {
        Assert.Equal("8388608", report["memlock_limit"]);
        Assert.Equal(0, long.Parse(report["cap_eff"], NumberStyles.HexNumber, CultureInfo.InvariantCulture) & CapIpcLock);
    }
}

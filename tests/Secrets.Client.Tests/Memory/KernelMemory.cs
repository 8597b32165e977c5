using System.Globalization;
using System.Runtime.InteropServices;

namespace Secrets.Client.Tests.Memory;

/// <summary>Looks at secret memory the way an attacker on the same machine would: /proc/self/maps and /proc/self/mem.</summary>
internal static unsafe partial class KernelMemory
{
    /// <summary>Gets whether this kernel (and seccomp filter) grants memfd_secret(2), asked independently of the SDK.</summary>
    public static bool HasMemfdSecret { get; } = OperatingSystem.IsLinux() && ProbeMemfdSecret();

    public static nint AddressOf(SecretValue value)
    {
        using var lease = value.Lease();
        fixed (byte* pointer = lease.Span)
        {
            return (nint)pointer;
        }
    }

    /// <summary>Reads a value's bytes through /proc/self/mem, or returns null when the kernel refuses (EIO).</summary>
    public static byte[]? ReadThroughProcMem(SecretValue value, int length)
    {
        var address = (long)AddressOf(value);
        using var mem = new FileStream("/proc/self/mem", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        var buffer = new byte[length];
        try
        {
            mem.Position = address;
            var read = mem.Read(buffer, 0, length);
            return read == length ? buffer : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static List<Mapping> ReadMaps() =>
        File.ReadAllLines("/proc/self/maps").Select(line =>
        {
            var parts = line.Split(' ', 3);
            var range = parts[0].Split('-');
            return new Mapping(
                ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                parts[1]);
        }).ToList();

    private static bool ProbeMemfdSecret()
    {
        var fd = syscall(447, 0x80000);
        if (fd < 0)
        {
            return false;
        }

        _ = close((int)fd);
        return true;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint syscall(nint number, nint argument);

    [LibraryImport("libc")]
    private static partial int close(int fd);

    internal readonly record struct Mapping(ulong Start, ulong End, string Permissions);
}

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Secrets.Client;

/// <summary>
/// The few libc calls a multi-process append needs and .NET does not expose: <c>open</c> with <c>O_APPEND</c> (so that
/// every <c>write</c> lands at the end whatever other processes wrote; .NET's <c>FileMode.Append</c> tracks its own
/// offset and would overwrite them), <c>write</c>, and <c>flock</c> for rotation.
/// </summary>
internal static unsafe partial class AuditFileNative
{
    // Linux values (identical on x86-64 and arm64).
    private const int OWriteOnly = 0x1;
    private const int OCreate = 0x40;
    private const int OAppend = 0x400;
    private const int OCloseOnExec = 0x80000;
    private const int LockExclusive = 2;
    private const int Unlock = 8;
    private const int Interrupted = 4;

    /// <summary>Opens (creating owner-only when missing) a file for appending.</summary>
    public static SafeFileHandle OpenAppend(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            // Elsewhere: appends at the length seen before each write, safe within one process (the sink's own lock).
            var handle = File.OpenHandle(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            return handle;
        }

        var fd = open(path, OWriteOnly | OCreate | OAppend | OCloseOnExec, 0x180 /* 0600 */);
        if (fd < 0)
        {
            throw new IOException($"Could not open the audit file '{path}' (errno {Marshal.GetLastPInvokeError()}).");
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Opens (creating owner-only when missing) a lock file.</summary>
    public static SafeFileHandle OpenLock(string path) => OpenAppend(path);

    /// <summary>Appends the whole buffer; one <c>write</c> unless the kernel takes less (never seen for regular files).</summary>
    public static void Append(SafeFileHandle handle, ReadOnlySpan<byte> bytes)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.Write(handle, bytes, RandomAccess.GetLength(handle));
            return;
        }

        var fd = (int)handle.DangerousGetHandle();
        fixed (byte* start = bytes)
        {
            var offset = 0;
            while (offset < bytes.Length)
            {
                var written = write(fd, start + offset, (nuint)(bytes.Length - offset));
                if (written < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Interrupted)
                    {
                        continue;
                    }

                    throw new IOException($"Could not append to the audit file (errno {errno}).");
                }

                offset += (int)written;
            }
        }
    }

    /// <summary>Takes the exclusive lock (blocking); release it with <see cref="Release"/>.</summary>
    public static void LockExclusively(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        while (flock((int)handle.DangerousGetHandle(), LockExclusive) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Interrupted)
            {
                throw new IOException($"Could not lock the audit directory (errno {errno}).");
            }
        }
    }

    /// <summary>Releases the lock taken by <see cref="LockExclusively"/>.</summary>
    public static void Release(SafeFileHandle handle)
    {
        if (OperatingSystem.IsLinux())
        {
            _ = flock((int)handle.DangerousGetHandle(), Unlock);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(int fd, int operation);
}

using System.Runtime.InteropServices;

namespace Secrets.Client;

/// <summary>
/// Maps and unmaps the page ranges that secret memory regions live in, with the best protection the operating
/// system grants: <c>memfd_secret(2)</c> on Linux, then <c>mmap</c> + <c>mlock</c> + <c>MADV_DONTDUMP</c> +
/// <c>MADV_WIPEONFORK</c>, then unlocked pages; <c>VirtualAlloc</c> + <c>VirtualLock</c> on Windows. Each usable range
/// sits between two inaccessible guard pages, so an overrun off either end faults instead of reading a neighbour.
/// </summary>
internal static unsafe partial class SecretPages
{
    private const int ProtNone = 0;
    private const int ProtReadWrite = 1 | 2;
    private const int MapShared = 0x01;
    private const int MapPrivate = 0x02;
    private const int MapFixed = 0x10;
    private const int MapAnonymous = 0x20;
    private const int MapNoReserve = 0x4000;
    private const int MadviseDontFork = 10;
    private const int MadviseDontDump = 16;
    private const int MadviseWipeOnFork = 18;
    private const int OCloseOnExec = 0x80000;

    // The same number on x86-64 and in asm-generic (arm64, riscv64): include/uapi/asm-generic/unistd.h.
    private const nint SysMemfdSecret = 447;
    private const int ENOSYS = 38;
    private const int EPERM = 1;
    private const int EINVAL = 22;

    private const uint MemCommitReserve = 0x3000;
    private const uint MemRelease = 0x8000;
    private const uint PageReadWrite = 0x04;
    private const uint PageNoAccess = 0x01;

    public static nuint PageSize { get; } = (nuint)Environment.SystemPageSize;

    /// <summary>Rounds <paramref name="length"/> up to whole pages (at least one).</summary>
    public static nuint RoundToPages(nuint length) => (Math.Max(length, 1) + PageSize - 1) / PageSize * PageSize;

    /// <summary>Maps <paramref name="size"/> bytes (whole pages) of zeroed secret memory between two guard pages.</summary>
    /// <param name="size">The usable size, a multiple of the page size.</param>
    /// <param name="useMemfdSecret">Whether to try <c>memfd_secret(2)</c> first; cleared when the kernel refuses it for good.</param>
    /// <returns>The mapping; its <see cref="SecretPageRange.Protection"/> says what the OS granted.</returns>
    public static SecretPageRange Map(nuint size, ref bool useMemfdSecret)
    {
        if (OperatingSystem.IsLinux())
        {
            return MapLinux(size, ref useMemfdSecret);
        }

        return OperatingSystem.IsWindows() ? MapWindows(size) : MapPortable(size);
    }

    /// <summary>Returns a range to the OS. Its bytes must already be wiped.</summary>
    /// <param name="range">The range <see cref="Map"/> returned.</param>
    public static void Unmap(in SecretPageRange range)
    {
        if (OperatingSystem.IsLinux())
        {
            _ = munmap(range.Reservation, range.ReservationSize);
        }
        else if (OperatingSystem.IsWindows())
        {
            _ = VirtualFree(range.Reservation, 0, MemRelease);
        }
        else
        {
            if ((range.Protection & SecretMemoryProtection.LockedInMemory) != 0)
            {
                _ = munlock(range.Usable, range.UsableSize);
            }

            NativeMemory.AlignedFree(range.Usable);
        }
    }

    private static SecretPageRange MapLinux(nuint size, ref bool useMemfdSecret)
    {
        var page = PageSize;
        var total = size + (2 * page);
        var reservation = Reserve(total);
        var usable = reservation + page;
        if (useMemfdSecret)
        {
            switch (TryMapMemfdSecret(usable, size, ref useMemfdSecret))
            {
                case MemfdOutcome.Mapped:
                    // The kernel locks these pages, keeps them out of its direct map (so /proc/<pid>/mem, ptrace and
                    // every dumper read nothing) and never dumps them. Not inheriting them across fork keeps a child's copy away.
                    var hidden = SecretMemoryProtection.Pinned | SecretMemoryProtection.LockedInMemory |
                        SecretMemoryProtection.ExcludedFromCoreDumps | SecretMemoryProtection.HiddenFromKernel;
                    if (madvise(usable, size, MadviseDontFork) == 0)
                    {
                        hidden |= SecretMemoryProtection.ExcludedFromChildProcesses;
                    }

                    return new SecretPageRange(reservation, total, usable, size, hidden);
                case MemfdOutcome.FailedAfterReplacing:
                    // A failed MAP_FIXED may have left a hole where the middle was, which another thread's mapping
                    // can take at once: never map over it or unmap it. Drop only the guard pages and start afresh.
                    _ = munmap(reservation, page);
                    _ = munmap(usable + size, page);
                    reservation = Reserve(total);
                    usable = reservation + page;
                    break;
            }
        }

        if (mprotect(usable, size, ProtReadWrite) != 0)
        {
            _ = munmap(reservation, total);
            throw new InsufficientMemoryException("Could not commit secret memory.");
        }

        var protection = SecretMemoryProtection.Pinned;
        if (mlock(usable, size) == 0)
        {
            protection |= SecretMemoryProtection.LockedInMemory;
        }

        if (madvise(usable, size, MadviseDontDump) == 0)
        {
            protection |= SecretMemoryProtection.ExcludedFromCoreDumps;
        }

        if (madvise(usable, size, MadviseWipeOnFork) == 0)
        {
            protection |= SecretMemoryProtection.ExcludedFromChildProcesses;
        }

        return new SecretPageRange(reservation, total, usable, size, protection);
    }

    private static byte* Reserve(nuint total)
    {
        var reservation = (byte*)mmap(null, total, ProtNone, MapPrivate | MapAnonymous | MapNoReserve, -1, 0);
        return reservation == (byte*)-1
            ? throw new InsufficientMemoryException("Could not reserve address space for secret memory.")
            : reservation;
    }

    private static MemfdOutcome TryMapMemfdSecret(byte* usable, nuint size, ref bool useMemfdSecret)
    {
        var fd = (int)syscall(SysMemfdSecret, OCloseOnExec);
        if (fd < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error is ENOSYS or EPERM or EINVAL)
            {
                // No secretmem in this kernel, disabled at boot, or refused by a seccomp filter: it will not change.
                useMemfdSecret = false;
            }

            return MemfdOutcome.NotTried;
        }

        try
        {
            // The mapping keeps the pages alive once the descriptor is closed, so no descriptor outlives this call.
            if (ftruncate(fd, (long)size) != 0)
            {
                return MemfdOutcome.NotTried;
            }

            // Fails with EAGAIN once RLIMIT_MEMLOCK is used up.
            return mmap(usable, size, ProtReadWrite, MapShared | MapFixed, fd, 0) == usable ? MemfdOutcome.Mapped : MemfdOutcome.FailedAfterReplacing;
        }
        finally
        {
            _ = close(fd);
        }
    }

    private static SecretPageRange MapWindows(nuint size)
    {
        var page = PageSize;
        var total = size + (2 * page);
        var reservation = (byte*)VirtualAlloc(null, total, MemCommitReserve, PageReadWrite);
        if (reservation is null)
        {
            throw new InsufficientMemoryException("Could not allocate secret memory.");
        }

        _ = VirtualProtect(reservation, page, PageNoAccess, out _);
        _ = VirtualProtect(reservation + page + size, page, PageNoAccess, out _);
        var usable = reservation + page;
        var protection = SecretMemoryProtection.Pinned;
        if (VirtualLock(usable, size))
        {
            protection |= SecretMemoryProtection.LockedInMemory;
        }

        return new SecretPageRange(reservation, total, usable, size, protection);
    }

    private static SecretPageRange MapPortable(nuint size)
    {
        var usable = (byte*)NativeMemory.AlignedAlloc(size, PageSize);
        NativeMemory.Clear(usable, size);
        var protection = SecretMemoryProtection.Pinned;
        try
        {
            if (mlock(usable, size) == 0)
            {
                protection |= SecretMemoryProtection.LockedInMemory;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // An exotic libc: the memory is still pinned and will still be wiped.
        }

        return new SecretPageRange(usable, size, usable, size, protection);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(void* address, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(void* address, nuint length, int protection);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mlock(void* address, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munlock(void* address, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint syscall(nint number, nint argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ftruncate(int fd, long length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("kernel32", SetLastError = true)]
    private static partial void* VirtualAlloc(void* address, nuint size, uint allocationType, uint protect);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool VirtualProtect(void* address, nuint size, uint newProtect, out uint oldProtect);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool VirtualLock(void* address, nuint size);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool VirtualFree(void* address, nuint size, uint freeType);

    private enum MemfdOutcome
    {
        NotTried,
        Mapped,
        FailedAfterReplacing,
    }
}

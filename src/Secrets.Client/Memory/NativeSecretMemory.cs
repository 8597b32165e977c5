using System.Runtime.InteropServices;

namespace Secrets.Client;

/// <summary>Page-aligned native allocations, locked against swap and core dumps where the OS allows.</summary>
internal static unsafe partial class NativeSecretMemory
{
    private const int MadviseDontDump = 16;

    public static byte* Allocate(int length, out nuint size, out SecretMemoryProtection protection)
    {
        var page = (nuint)Environment.SystemPageSize;
        var wanted = (nuint)Math.Max(length, 1);
        size = (wanted + page - 1) / page * page;
        var pointer = (byte*)NativeMemory.AlignedAlloc(size, page);
        NativeMemory.Clear(pointer, size);
        protection = SecretMemoryProtection.Pinned;

        try
        {
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
            {
                if (mlock(pointer, size) == 0)
                {
                    protection |= SecretMemoryProtection.LockedInMemory;
                }

                if (OperatingSystem.IsLinux() && madvise(pointer, size, MadviseDontDump) == 0)
                {
                    protection |= SecretMemoryProtection.ExcludedFromCoreDumps;
                }
            }
            else if (OperatingSystem.IsWindows() && VirtualLock(pointer, size))
            {
                protection |= SecretMemoryProtection.LockedInMemory;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // An exotic libc: the memory is still pinned and will still be wiped.
        }

        return pointer;
    }

    public static void Free(byte* pointer, nuint size, SecretMemoryProtection protection)
    {
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(new Span<byte>(pointer, checked((int)size)));
        if ((protection & SecretMemoryProtection.LockedInMemory) != 0)
        {
            if (OperatingSystem.IsWindows())
            {
                VirtualUnlock(pointer, size);
            }
            else
            {
                _ = munlock(pointer, size);
            }
        }

        NativeMemory.AlignedFree(pointer);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mlock(void* address, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munlock(void* address, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool VirtualLock(void* address, nuint size);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool VirtualUnlock(void* address, nuint size);
}

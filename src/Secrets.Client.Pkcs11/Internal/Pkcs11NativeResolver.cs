using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Secrets.Client.Pkcs11;

/// <summary>
/// Pkcs11Interop 5 imports <c>dlopen</c> from "libdl", but glibc 2.34 and later (Debian 12, Ubuntu 22.04, RHEL 9)
/// ship only <c>libdl.so.2</c> unless development packages are installed. This points "libdl" at the real library.
/// </summary>
internal static class Pkcs11NativeResolver
{
    // A DllImport resolver can be set once per assembly and process, so this flag is process-wide by nature.
    private static int s_registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref s_registered, 1) != 0)
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // The application registered its own resolver for Pkcs11Interop; it wins.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!OperatingSystem.IsLinux() || !string.Equals(libraryName, "libdl", StringComparison.Ordinal))
        {
            return IntPtr.Zero;
        }

        if (NativeLibrary.TryLoad(libraryName, assembly, searchPath, out var handle) ||
            NativeLibrary.TryLoad("libdl.so.2", out handle) ||
            NativeLibrary.TryLoad("libc.so.6", out handle))
        {
            return handle;
        }

        return IntPtr.Zero;
    }
}

using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Secrets.Client;

namespace Secrets.Client.Benchmarks;

/// <summary>
/// Create and wipe one 32-byte secret: the slab allocator behind <see cref="SecretValue"/> against what a client could
/// do instead (a pooled managed array, cleared) and against the per-value page it replaced (page-aligned allocation,
/// mlock, MADV_DONTDUMP, munlock, free).
/// </summary>
[MemoryDiagnoser]
public unsafe partial class SecretMemoryBenchmarks
{
    private const int MadviseDontDump = 16;
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    [Benchmark(Baseline = true, Description = "ArrayPool rent, copy, ZeroMemory, return")]
    public int PooledArray()
    {
        var array = ArrayPool<byte>.Shared.Rent(_secret.Length);
        _secret.CopyTo(array, 0);
        var first = array[0];
        CryptographicOperations.ZeroMemory(array.AsSpan(0, _secret.Length));
        ArrayPool<byte>.Shared.Return(array);
        return first;
    }

    [Benchmark(Description = "SecretValue.FromBytes + Dispose (slab)")]
    public int SecretValueCreateAndWipe()
    {
        var value = SecretValue.FromBytes(_secret);
        var length = value.Length;
        value.Dispose();
        return length;
    }

    [Benchmark(Description = "Own page: AlignedAlloc, mlock, madvise, ZeroMemory, munlock, free (before)")]
    public int PerValuePage()
    {
        var page = (nuint)Environment.SystemPageSize;
        var pointer = (byte*)NativeMemory.AlignedAlloc(page, page);
        NativeMemory.Clear(pointer, page);
        _ = mlock(pointer, page);
        _ = madvise(pointer, page, MadviseDontDump);
        _secret.CopyTo(new Span<byte>(pointer, _secret.Length));
        var first = pointer[0];
        CryptographicOperations.ZeroMemory(new Span<byte>(pointer, (int)page));
        _ = munlock(pointer, page);
        NativeMemory.AlignedFree(pointer);
        return first;
    }

    [LibraryImport("libc")]
    private static partial int mlock(void* address, nuint length);

    [LibraryImport("libc")]
    private static partial int munlock(void* address, nuint length);

    [LibraryImport("libc")]
    private static partial int madvise(void* address, nuint length, int advice);
}

using System.Security.Cryptography;

namespace Secrets.Client;

/// <summary>
/// A slab allocator for secret memory. Values up to <see cref="LargestSlot"/> bytes share protected regions cut into
/// size classes (16-byte steps to 128, then four classes per doubling), each class behind its own lock; larger values
/// get whole pages of their own. Every slot is wiped with <see cref="CryptographicOperations.ZeroMemory"/> once, when
/// freed, and a region goes back to the OS when its last slot does.
/// </summary>
/// <remarks>
/// One pool serves the process (<see cref="Shared"/>), as the native heap does: locked memory is a per-process budget
/// (<c>RLIMIT_MEMLOCK</c>) and packing small values together is what keeps 100,000 of them inside it. Its policy comes
/// from <see cref="SecretMemorySwitches"/>, read once; tests build their own pools.
/// </remarks>
internal sealed class SecretMemoryPool
{
    public const int LargestSlot = 2048;
    private const int SlotsPerRegion = 256;
    private const int LargestRegion = 64 * 1024;

    private static readonly int[] SlotSizes =
        [16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048];

    // Class index by (length + 15) / 16, so that finding a class is one load.
    private static readonly byte[] ClassBySixteenths = BuildClassTable();

    private readonly SecretMemorySizeClass[] _classes;
    private readonly long[] _largeValues = new long[3];
    private readonly long[] _largeBytes = new long[3];
    private bool _useMemfdSecret;

    public SecretMemoryPool(bool useMemfdSecret, bool requireLockedMemory)
    {
        _useMemfdSecret = useMemfdSecret;
        RequireLockedMemory = requireLockedMemory;
        _classes = new SecretMemorySizeClass[SlotSizes.Length];
        for (var i = 0; i < SlotSizes.Length; i++)
        {
            var regionSize = SecretPages.RoundToPages((nuint)Math.Min(SlotSizes[i] * SlotsPerRegion, LargestRegion));
            _classes[i] = new SecretMemorySizeClass(this, SlotSizes[i], regionSize);
        }
    }

    /// <summary>Gets the process's pool, configured by <see cref="SecretMemorySwitches"/>.</summary>
    public static SecretMemoryPool Shared { get; } = new(
        useMemfdSecret: !SecretMemorySwitches.IsEnabled(SecretMemorySwitches.DisableMemfdSecret, SecretMemorySwitches.DisableMemfdSecretVariable),
        requireLockedMemory: SecretMemorySwitches.IsEnabled(SecretMemorySwitches.RequireLockedMemory, SecretMemorySwitches.RequireLockedMemoryVariable));

    public bool RequireLockedMemory { get; }

    /// <summary>Gets the slot size a value of <paramref name="length"/> bytes gets, or its page-rounded size when it is large.</summary>
    public static int CapacityFor(int length) =>
        length <= LargestSlot ? SlotSizes[ClassBySixteenths[(length + 15) >> 4]] : (int)SecretPages.RoundToPages((nuint)length);

    /// <summary>Allocates zeroed secret memory for at least <paramref name="length"/> bytes.</summary>
    /// <exception cref="SecretMemoryLockException">The memory could not be locked and the pool refuses unlocked memory.</exception>
    public SecretMemoryBlock Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= LargestSlot)
        {
            return _classes[ClassBySixteenths[(length + 15) >> 4]].Allocate();
        }

        var range = MapRegion(SecretPages.RoundToPages((nuint)length));
        var region = new SecretMemoryRegion(this, range, checked((int)range.UsableSize), owner: null);
        var tier = SecretMemoryUsage.TierIndex(range.Protection);
        Interlocked.Increment(ref _largeValues[tier]);
        Interlocked.Add(ref _largeBytes[tier], (long)range.UsableSize);
        return region.Take();
    }

    /// <summary>Wipes a block exactly once and gives it back.</summary>
    /// <param name="block">A block from <see cref="Allocate"/>, not yet freed.</param>
    /// <param name="probe">Sees the wiped bytes before they are reused (tests only).</param>
    public void Free(in SecretMemoryBlock block, WipeProbe? probe)
    {
        var memory = block.Span;
        CryptographicOperations.ZeroMemory(memory);
        probe?.Invoke(memory);
        var region = block.Region;
        if (region.Owner is { } owner)
        {
            owner.Free(region, block.Slot);
            return;
        }

        var tier = SecretMemoryUsage.TierIndex(region.Protection);
        Interlocked.Decrement(ref _largeValues[tier]);
        Interlocked.Add(ref _largeBytes[tier], -(long)region.MappedBytes);
        region.Unmap();
    }

    /// <summary>Measures live values and mapped bytes by protection tier.</summary>
    public SecretMemoryUsage MeasureUsage()
    {
        var usage = new SecretMemoryUsage();
        foreach (var sizeClass in _classes)
        {
            sizeClass.AddUsage(usage);
        }

        for (var tier = 0; tier < _largeValues.Length; tier++)
        {
            usage.AddTier(tier, Volatile.Read(ref _largeValues[tier]), Volatile.Read(ref _largeBytes[tier]));
        }

        return usage;
    }

    /// <summary>Maps one region with the best protection this process may have, applying the pool's policy.</summary>
    internal SecretPageRange MapRegion(nuint size)
    {
        var useMemfdSecret = Volatile.Read(ref _useMemfdSecret);
        var range = SecretPages.Map(size, ref useMemfdSecret);
        if (!useMemfdSecret)
        {
            Volatile.Write(ref _useMemfdSecret, false);
        }

        if (RequireLockedMemory && (range.Protection & SecretMemoryProtection.LockedInMemory) == 0)
        {
            SecretPages.Unmap(range);
            throw new SecretMemoryLockException(
                "Secret memory could not be locked in RAM (RLIMIT_MEMLOCK is exhausted or locking is not permitted), and " +
                "unlocked memory is refused (Secrets.Client.Memory.RequireLockedMemory).");
        }

        return range;
    }

    private static byte[] BuildClassTable()
    {
        var table = new byte[(LargestSlot / 16) + 1];
        var index = 0;
        for (var sixteenths = 0; sixteenths < table.Length; sixteenths++)
        {
            while (SlotSizes[index] < sixteenths * 16)
            {
                index++;
            }

            table[sixteenths] = (byte)index;
        }

        return table;
    }
}

namespace Secrets.Client;

/// <summary>
/// The regions holding one slot size. Its own lock serialises only values of this size, so unrelated secrets of other
/// sizes never wait on each other. Regions with free slots are kept by protection, best first, so that a value gets
/// unlocked memory only when no locked slot is free; an emptied region goes back to the OS, except one spare that
/// saves a create-and-wipe loop two system calls per value.
/// </summary>
internal sealed class SecretMemorySizeClass
{
    private const int UnlockedRank = 2;
    private readonly Lock _lock = new();
    private readonly SecretMemoryPool _pool;
    private readonly nuint _regionSize;
    private readonly List<SecretMemoryRegion>[] _available = [[], [], []];
    private readonly List<SecretMemoryRegion> _regions = [];
    private SecretMemoryRegion? _spare;

    public SecretMemorySizeClass(SecretMemoryPool pool, int slotSize, nuint regionSize)
    {
        _pool = pool;
        SlotSize = slotSize;
        _regionSize = regionSize;
    }

    public int SlotSize { get; }

    public SecretMemoryBlock Allocate()
    {
        lock (_lock)
        {
            var region = BestAvailable() ?? AddRegion();
            var block = region.Take();
            if (region.IsFull)
            {
                RemoveAvailable(region);
            }

            return block;
        }
    }

    public void Free(SecretMemoryRegion region, int slot)
    {
        SecretMemoryRegion? unmap = null;
        lock (_lock)
        {
            var wasFull = region.IsFull;
            region.Return(slot);
            if (region.IsEmpty)
            {
                if (!wasFull)
                {
                    RemoveAvailable(region);
                }

                if (_spare is null && SecretMemoryUsage.TierIndex(region.Protection) < UnlockedRank)
                {
                    _spare = region;
                }
                else
                {
                    _regions.Remove(region);
                    unmap = region;
                }
            }
            else if (wasFull)
            {
                AddAvailable(region);
            }
        }

        // Every slot of an empty region is already wiped.
        unmap?.Unmap();
    }

    /// <summary>Adds the live values and mapped bytes of this class to <paramref name="usage"/>, by protection tier.</summary>
    public void AddUsage(SecretMemoryUsage usage)
    {
        lock (_lock)
        {
            foreach (var region in _regions)
            {
                usage.Add(region.Protection, region.UsedSlots, region.MappedBytes);
            }
        }
    }

    private SecretMemoryRegion? BestAvailable()
    {
        for (var rank = 0; rank <= UnlockedRank; rank++)
        {
            var list = _available[rank];
            if (list.Count > 0)
            {
                return list[^1];
            }

            if (_spare is { } spare && SecretMemoryUsage.TierIndex(spare.Protection) == rank)
            {
                _spare = null;
                AddAvailable(spare);
                return spare;
            }
        }

        return null;
    }

    private SecretMemoryRegion AddRegion()
    {
        var region = new SecretMemoryRegion(_pool, _pool.MapRegion(_regionSize), SlotSize, this);
        _regions.Add(region);
        AddAvailable(region);
        return region;
    }

    private void AddAvailable(SecretMemoryRegion region)
    {
        var list = _available[SecretMemoryUsage.TierIndex(region.Protection)];
        region.AvailableIndex = list.Count;
        list.Add(region);
    }

    private void RemoveAvailable(SecretMemoryRegion region)
    {
        var list = _available[SecretMemoryUsage.TierIndex(region.Protection)];
        var last = list[^1];
        list[region.AvailableIndex] = last;
        last.AvailableIndex = region.AvailableIndex;
        list.RemoveAt(list.Count - 1);
        region.AvailableIndex = -1;
    }
}

using System.Numerics;

namespace Secrets.Client;

/// <summary>
/// One mapped range of secret pages cut into equal slots. The size class that owns it serialises every call; a
/// large value owns a one-slot region of its own (no owner).
/// </summary>
internal sealed unsafe class SecretMemoryRegion
{
    private readonly SecretPageRange _range;
    private readonly ulong[] _freeSlots;
    private int _freeCount;
    private int _searchFrom;

    public SecretMemoryRegion(SecretMemoryPool pool, SecretPageRange range, int slotSize, SecretMemorySizeClass? owner)
    {
        Pool = pool;
        _range = range;
        SlotSize = slotSize;
        SlotCount = checked((int)(range.UsableSize / (nuint)slotSize));
        Owner = owner;
        _freeSlots = new ulong[(SlotCount + 63) / 64];
        for (var slot = 0; slot < SlotCount; slot++)
        {
            _freeSlots[slot >> 6] |= 1UL << slot;
        }

        _freeCount = SlotCount;
    }

    public SecretMemoryPool Pool { get; }

    public SecretMemorySizeClass? Owner { get; }

    public int SlotSize { get; }

    /// <summary>Gets the address of slot <paramref name="slot"/>.</summary>
    public byte* SlotPointer(int slot) => _range.Usable + ((nuint)slot * (nuint)SlotSize);

    public int SlotCount { get; }

    public SecretMemoryProtection Protection => _range.Protection;

    public nuint MappedBytes => _range.UsableSize;

    public int UsedSlots => SlotCount - _freeCount;

    public bool IsFull => _freeCount == 0;

    public bool IsEmpty => _freeCount == SlotCount;

    /// <summary>Where this region sits in its owner's list of regions with free slots, or -1.</summary>
    public int AvailableIndex { get; set; } = -1;

    public SecretMemoryBlock Take()
    {
        for (var i = 0; i < _freeSlots.Length; i++)
        {
            var word = (_searchFrom + i) % _freeSlots.Length;
            var bits = _freeSlots[word];
            if (bits != 0)
            {
                var slot = (word << 6) + BitOperations.TrailingZeroCount(bits);
                _freeSlots[word] = bits & (bits - 1);
                _freeCount--;
                _searchFrom = word;
                return new SecretMemoryBlock(this, slot);
            }
        }

        throw new InvalidOperationException("A full secret memory region was asked for a slot.");
    }

    public void Return(int slot)
    {
        var bit = 1UL << slot;
        if ((uint)slot >= (uint)SlotCount || (_freeSlots[slot >> 6] & bit) != 0)
        {
            throw new InvalidOperationException("A secret memory slot was freed twice or does not belong to its region.");
        }

        _freeSlots[slot >> 6] |= bit;
        _freeCount++;
    }

    public void Unmap() => SecretPages.Unmap(_range);
}

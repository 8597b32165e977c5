namespace Secrets.Client;

/// <summary>One slot of secret memory: where it is, how large, and the region that takes it back.</summary>
internal readonly unsafe struct SecretMemoryBlock
{
    // Every cached value holds one block, so it keeps only the region and the slot number: the address and the size
    // follow from the region (16 bytes instead of 24; docs/benchmarks.md, bookkeeping).
    public SecretMemoryBlock(SecretMemoryRegion region, int slot)
    {
        Region = region;
        Slot = slot;
    }

    public SecretMemoryRegion Region { get; }

    public int Slot { get; }

    public byte* Pointer => Region.SlotPointer(Slot);

    public int Capacity => Region.SlotSize;

    /// <summary>Gets the whole slot: spans handed out never reach past it.</summary>
    public Span<byte> Span => new(Pointer, Capacity);
}

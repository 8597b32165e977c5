namespace Secrets.Client;

/// <summary>One slot of secret memory: where it is, how large, and the region that takes it back.</summary>
internal readonly unsafe struct SecretMemoryBlock
{
    public SecretMemoryBlock(SecretMemoryRegion region, int slot, byte* pointer, int capacity)
    {
        Region = region;
        Slot = slot;
        Pointer = pointer;
        Capacity = capacity;
    }

    public SecretMemoryRegion Region { get; }

    public int Slot { get; }

    public byte* Pointer { get; }

    public int Capacity { get; }

    /// <summary>Gets the whole slot: spans handed out never reach past it.</summary>
    public Span<byte> Span => new(Pointer, Capacity);
}

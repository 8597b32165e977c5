using System.Buffers;
using System.Security.Cryptography;

namespace Secrets.Client.Transport;

/// <summary>
/// A growable buffer over <see cref="ArrayPool{T}.Shared"/> for request and response bodies that may hold secret bytes:
/// every array is cleared before it goes back to the pool, including the ones left behind when it grows. Adapters write
/// request bodies into it and <see cref="SecretHttpTransport"/> reads response bodies into it. Not thread-safe.
/// </summary>
public sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _count;

    /// <summary>Initializes a new instance of the <see cref="PooledBuffer"/> class.</summary>
    /// <param name="initialCapacity">The bytes to rent at first; it grows as needed.</param>
    public PooledBuffer(int initialCapacity = 4096) => _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));

    /// <summary>Gets how many bytes were written.</summary>
    public int Count => _count;

    /// <summary>Gets the rented array; only its first <see cref="Count"/> bytes are written.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _count);

    /// <summary>Gets the rented array, for tests that check it is cleared.</summary>
    internal byte[] RentedArray => _array;

    /// <summary>Gets the written bytes.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _count);

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_count + count > _array.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _count += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_count);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_count);
    }

    /// <summary>Appends bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _count += bytes.Length;
    }

    /// <summary>Appends one byte.</summary>
    /// <param name="value">The byte.</param>
    public void Write(byte value)
    {
        GetSpan(1)[0] = value;
        _count++;
    }

    /// <summary>Clears the written bytes and returns the array to the pool; idempotent.</summary>
    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, []);
        if (array.Length > 0)
        {
            CryptographicOperations.ZeroMemory(array.AsSpan(0, _count));
            ArrayPool<byte>.Shared.Return(array);
        }

        _count = 0;
    }

    private void Ensure(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_array.Length == 0, this);
        var needed = Math.Max(sizeHint, 1);
        if (_array.Length - _count >= needed)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, _count + needed));
        _array.AsSpan(0, _count).CopyTo(bigger);
        CryptographicOperations.ZeroMemory(_array.AsSpan(0, _count));
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}

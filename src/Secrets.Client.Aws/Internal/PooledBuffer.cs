using System.Buffers;
using System.Security.Cryptography;

namespace Secrets.Client.Aws;

/// <summary>
/// A growable buffer over <see cref="ArrayPool{T}.Shared"/> for request and response bodies that may hold secret bytes:
/// every array is cleared before it goes back to the pool, including the ones left behind when it grows.
/// </summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _count;

    public PooledBuffer(int initialCapacity = 4096) => _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));

    public int Count => _count;

    public byte[] Array => _array;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _count);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_count + count > _array.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _count += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_count);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_count);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _count += bytes.Length;
    }

    public void Write(byte value)
    {
        GetSpan(1)[0] = value;
        _count++;
    }

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

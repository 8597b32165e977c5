using System.Buffers;
using System.Security.Cryptography;

namespace Secrets.Client.Local;

/// <summary>
/// A growable buffer for bytes that may hold secrets (a child process's stdout, an HTTP response body): rented from
/// <see cref="ArrayPool{T}.Shared"/>, and every array is cleared before it goes back, including those left behind when
/// it grows. Compiled into each package that runs a secret-printing command or reads a secret-bearing body.
/// </summary>
internal sealed class SecretOutputBuffer : IDisposable
{
    private byte[] _array;
    private int _count;

    public SecretOutputBuffer(int initialCapacity = 4096) => _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _count);

    public int Count => _count;

    /// <summary>Reads <paramref name="stream"/> to its end, failing once more than <paramref name="maxBytes"/> arrive.</summary>
    public async Task ReadFromAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            Ensure(1024);
            var read = await stream.ReadAsync(_array.AsMemory(_count), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            _count += read;
            if (_count > maxBytes)
            {
                throw new InvalidDataException($"More than {maxBytes} bytes of output.");
            }
        }
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

    private void Ensure(int needed)
    {
        ObjectDisposedException.ThrowIf(_array.Length == 0, this);
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

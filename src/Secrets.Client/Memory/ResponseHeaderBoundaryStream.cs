using System.Security.Cryptography;

namespace Secrets.Client;

/// <summary>
/// Sits between <see cref="SocketsHttpHandler"/> and the plaintext HTTP/1.1 stream (its
/// <see cref="SocketsHttpHandler.PlaintextStreamFilter"/>) so that a response body never lands in the connection's read
/// buffer, a managed array the connection keeps, unwiped, for as long as it lives in the pool.
/// </summary>
/// <remarks>
/// <para>The connection reads the status line and headers into its own buffer, and whatever else the same read returns
/// (a small body usually arrives in the same segment) stays there after the response is read. A
/// <c>Content-Length</c> body that is not already in that buffer is read straight into the caller's buffer instead.
/// This stream therefore ends every read that carries response headers at the blank line that ends them; the body
/// then goes from the socket, through this stream's own buffer (wiped as soon as it is handed on), into the
/// adapter's buffer, which the adapter wipes.</para>
/// <para>A new request written to the connection starts a new header block. Returning fewer bytes than asked is always
/// valid for a stream, so a misjudged boundary costs a copy, never correctness. Chunked bodies still pass through the
/// connection's buffer (its chunk parser reads through it); <c>docs/security.md</c> lists what remains.</para>
/// </remarks>
internal sealed class ResponseHeaderBoundaryStream : Stream
{
    private const int BufferSize = 16 * 1024;
    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    private readonly Stream _inner;
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
    private int _start;
    private int _end;
    private bool _inHeaders = true;
    private int _matched;

    public ResponseHeaderBoundaryStream(Stream inner) => _inner = inner;

    /// <summary>A <see cref="SocketsHttpHandler.PlaintextStreamFilter"/> that wraps HTTP/1.x connections (HTTP/2 frames its own way).</summary>
    public static Func<SocketsHttpPlaintextStreamFilterContext, CancellationToken, ValueTask<Stream>> Filter { get; } =
        static (context, _) => ValueTask.FromResult(
            context.NegotiatedHttpVersion.Major == 1 ? new ResponseHeaderBoundaryStream(context.PlaintextStream) : context.PlaintextStream);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_start == _end)
        {
            if (buffer.IsEmpty)
            {
                // Zero-byte reads let the connection wait for data without pinning a buffer: keep them zero-byte.
                return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }

            _start = 0;
            _end = await _inner.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
        }

        return Hand(buffer.Span);
    }

    public override int Read(Span<byte> buffer)
    {
        if (_start == _end)
        {
            if (buffer.IsEmpty)
            {
                return _inner.Read(buffer);
            }

            _start = 0;
            _end = _inner.Read(_buffer);
        }

        return Hand(buffer);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        StartResponse();
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        StartResponse();
        _inner.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        CryptographicOperations.ZeroMemory(_buffer);
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CryptographicOperations.ZeroMemory(_buffer);
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void StartResponse()
    {
        _inHeaders = true;
        _matched = 0;
    }

    private int Hand(Span<byte> destination)
    {
        var available = _buffer.AsSpan(_start, _end - _start);
        var count = Math.Min(destination.Length, available.Length);
        if (_inHeaders)
        {
            count = Math.Min(count, ScanHeaders(available[..count]));
        }

        available[..count].CopyTo(destination);
        CryptographicOperations.ZeroMemory(available[..count]);
        _start += count;
        return count;
    }

    /// <summary>Returns how many bytes belong to the header block, and leaves header mode at its end.</summary>
    private int ScanHeaders(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            _matched = bytes[i] == HeaderEnd[_matched] ? _matched + 1 : bytes[i] == HeaderEnd[0] ? 1 : 0;
            if (_matched == HeaderEnd.Length)
            {
                _inHeaders = false;
                _matched = 0;
                return i + 1;
            }
        }

        return bytes.Length;
    }
}

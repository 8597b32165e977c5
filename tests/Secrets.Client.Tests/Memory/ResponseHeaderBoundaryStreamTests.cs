using System.Text;

namespace Secrets.Client.Tests.Memory;

public sealed class ResponseHeaderBoundaryStreamTests
{
    private const string Headers = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n";

    [Fact]
    public async Task A_read_that_carries_headers_ends_at_the_blank_line_and_the_body_follows()
    {
        using var stream = new ResponseHeaderBoundaryStream(new MemoryStream(Encoding.ASCII.GetBytes(Headers + "secret-body")));
        var buffer = new byte[4096];

        var headers = await stream.ReadAsync(buffer);
        Assert.Equal(Headers, Encoding.ASCII.GetString(buffer, 0, headers));
        var body = await stream.ReadAsync(buffer);
        Assert.Equal("secret-body", Encoding.ASCII.GetString(buffer, 0, body));
        Assert.Equal(0, await stream.ReadAsync(buffer));
    }

    [Fact]
    public void A_blank_line_split_across_reads_is_still_found()
    {
        using var stream = new ResponseHeaderBoundaryStream(new MemoryStream(Encoding.ASCII.GetBytes(Headers + "secret-body")));
        var text = new StringBuilder();
        var small = new byte[3];
        while (!text.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            text.Append(Encoding.ASCII.GetString(small, 0, stream.Read(small)));
        }

        Assert.Equal(Headers, text.ToString());
        var rest = new byte[64];
        Assert.Equal("secret-body", Encoding.ASCII.GetString(rest, 0, stream.Read(rest)));
    }

    [Fact]
    public async Task Writing_the_next_request_starts_a_new_header_block()
    {
        var wire = Headers + "secret-body" + Headers + "secret-body";
        using var stream = new ResponseHeaderBoundaryStream(new DuplexStream(Encoding.ASCII.GetBytes(wire)));
        var buffer = new byte[4096];
        _ = await stream.ReadAsync(buffer);
        _ = await stream.ReadAsync(buffer.AsMemory(0, 11));

        await stream.WriteAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());

        Assert.Equal(Headers, Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer)));
    }

    [Fact]
    public async Task A_zero_byte_read_stays_zero_byte()
    {
        using var stream = new ResponseHeaderBoundaryStream(new MemoryStream(Encoding.ASCII.GetBytes(Headers)));

        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(Headers.Length, await stream.ReadAsync(new byte[4096]));
    }

    /// <summary>Reads from a fixed byte sequence and swallows writes, as a connection's two directions do.</summary>
    private sealed class DuplexStream(byte[] incoming) : MemoryStream(incoming)
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}

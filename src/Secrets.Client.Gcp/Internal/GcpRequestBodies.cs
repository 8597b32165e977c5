using System.Buffers;
using System.Buffers.Text;
using System.Globalization;

namespace Secrets.Client.Gcp;

/// <summary>Writes request bodies that carry a secret straight from secret memory into a pooled buffer the caller wipes.</summary>
internal static class GcpRequestBodies
{
    /// <summary>The body of <c>secrets.create</c>: automatic replication.</summary>
    public static ReadOnlySpan<byte> CreateSecret => "{\"replication\":{\"automatic\":{}}}"u8;

    /// <summary>The body of <c>addVersion</c>: the payload in base64 and its CRC32C, in a rented buffer the caller wipes and returns.</summary>
    public static (byte[] Buffer, int Length) AddVersion(SecretValue value)
    {
        ReadOnlySpan<byte> head = "{\"payload\":{\"data\":\""u8;
        ReadOnlySpan<byte> middle = "\",\"dataCrc32c\":\""u8;
        ReadOnlySpan<byte> tail = "\"}}"u8;
        var capacity = head.Length + Base64.GetMaxEncodedToUtf8Length(value.Length) + middle.Length + 20 + tail.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        var length = value.Use(buffer, static (secret, destination) =>
        {
            ReadOnlySpan<byte> head = "{\"payload\":{\"data\":\""u8;
            ReadOnlySpan<byte> middle = "\",\"dataCrc32c\":\""u8;
            ReadOnlySpan<byte> tail = "\"}}"u8;
            var span = destination.AsSpan();
            head.CopyTo(span);
            var written = head.Length;
            Base64.EncodeToUtf8(secret, span[written..], out _, out var encoded);
            written += encoded;
            middle.CopyTo(span[written..]);
            written += middle.Length;
            Crc32C.Compute(secret).TryFormat(span[written..], out var digits, provider: CultureInfo.InvariantCulture);
            written += digits;
            tail.CopyTo(span[written..]);
            return written + tail.Length;
        });
        return (buffer, length);
    }
}

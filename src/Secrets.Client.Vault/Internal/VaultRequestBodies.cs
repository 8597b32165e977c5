using System.Buffers;
using System.Text.Json;

namespace Secrets.Client.Vault;

/// <summary>Writes KV v2 request bodies from secret memory into a buffer sized never to grow (so that no copy is left behind); the caller clears it.</summary>
internal static class VaultRequestBodies
{
    /// <summary>The body of a write: a value that is a JSON object becomes the data as it is; any other is stored as <c>{"value": "..."}</c>.</summary>
    public static ArrayBufferWriter<byte> WriteData(SecretValue value)
    {
        using var lease = value.Lease();
        var isObject = IsJsonObject(lease.Span);

        // Sized for the worst case (every byte escaped as \uXXXX) so that the buffer never grows and leaves a copy behind.
        var body = new ArrayBufferWriter<byte>((isObject ? lease.Span.Length : lease.Span.Length * 6) + 64);
        using var writer = new Utf8JsonWriter(body);
        writer.WriteStartObject();
        writer.WritePropertyName("data"u8);
        if (isObject)
        {
            writer.WriteRawValue(lease.Span, skipInputValidation: true);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteString("value"u8, lease.Span);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.Flush();
        return body;
    }

    private static bool IsJsonObject(ReadOnlySpan<byte> text)
    {
        try
        {
            var reader = new Utf8JsonReader(text);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

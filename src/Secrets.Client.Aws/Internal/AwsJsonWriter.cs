using System.Buffers.Text;
using System.Text;
using Secrets.Client.Transport;

namespace Secrets.Client.Aws;

/// <summary>
/// Writes AWS JSON 1.1 request bodies straight into a <see cref="PooledBuffer"/>. Hand-rolled rather than
/// <c>Utf8JsonWriter</c> because that writer escapes long values through pooled arrays it does not clear, and request
/// bodies here can carry secret values.
/// </summary>
internal ref struct AwsJsonWriter
{
    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();
    private readonly PooledBuffer _buffer;
    private bool _needsComma;

    public AwsJsonWriter(PooledBuffer buffer)
    {
        _buffer = buffer;
        _buffer.Write((byte)'{');
    }

    public void String(string name, string value)
    {
        Name(name);
        _buffer.Write(Encoding.UTF8.GetBytes(JsonString(value)));
    }

    /// <summary>Writes UTF-8 text (for example a secret) as a JSON string, escaping only what JSON requires.</summary>
    public void Utf8String(string name, ReadOnlySpan<byte> utf8)
    {
        Name(name);
        Escaped(utf8);
    }

    public void Base64(string name, ReadOnlySpan<byte> bytes)
    {
        Name(name);
        _buffer.Write((byte)'"');
        var span = _buffer.GetSpan(System.Buffers.Text.Base64.GetMaxEncodedToUtf8Length(bytes.Length));
        System.Buffers.Text.Base64.EncodeToUtf8(bytes, span, out _, out var written);
        _buffer.Advance(written);
        _buffer.Write((byte)'"');
    }

    public void Boolean(string name, bool value)
    {
        Name(name);
        _buffer.Write(value ? "true"u8 : "false"u8);
    }

    public void Number(string name, int value)
    {
        Name(name);
        var span = _buffer.GetSpan(11);
        Utf8Formatter.TryFormat(value, span, out var written);
        _buffer.Advance(written);
    }

    public void StringArray(string name, IEnumerable<string> values)
    {
        Name(name);
        _buffer.Write((byte)'[');
        var first = true;
        foreach (var value in values)
        {
            if (!first)
            {
                _buffer.Write((byte)',');
            }

            first = false;
            _buffer.Write(Encoding.UTF8.GetBytes(JsonString(value)));
        }

        _buffer.Write((byte)']');
    }

    public void Filters(string name, IEnumerable<AwsSecretFilter> filters)
    {
        Name(name);
        _buffer.Write((byte)'[');
        var first = true;
        foreach (var filter in filters)
        {
            if (!first)
            {
                _buffer.Write((byte)',');
            }

            first = false;
            _buffer.Write(Encoding.UTF8.GetBytes($"{{\"Key\":{JsonString(filter.Key)},\"Values\":[{string.Join(',', filter.Values.Select(JsonString))}]}}"));
        }

        _buffer.Write((byte)']');
    }

    public void End() => _buffer.Write((byte)'}');

    private static string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value, AwsJsonContext.Default.String);

    private void Name(string name)
    {
        if (_needsComma)
        {
            _buffer.Write((byte)',');
        }

        _needsComma = true;
        _buffer.Write((byte)'"');
        _buffer.Write(Encoding.UTF8.GetBytes(name));
        _buffer.Write("\":"u8);
    }

    private void Escaped(ReadOnlySpan<byte> utf8)
    {
        _buffer.Write((byte)'"');
        var start = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b >= 0x20 && b != (byte)'"' && b != (byte)'\\')
            {
                continue;
            }

            _buffer.Write(utf8[start..i]);
            switch (b)
            {
                case (byte)'"': _buffer.Write("\\\""u8); break;
                case (byte)'\\': _buffer.Write("\\\\"u8); break;
                case (byte)'\n': _buffer.Write("\\n"u8); break;
                case (byte)'\r': _buffer.Write("\\r"u8); break;
                case (byte)'\t': _buffer.Write("\\t"u8); break;
                default:
                    _buffer.Write("\\u00"u8);
                    _buffer.Write(Hex[b >> 4]);
                    _buffer.Write(Hex[b & 0xF]);
                    break;
            }

            start = i + 1;
        }

        _buffer.Write(utf8[start..]);
        _buffer.Write((byte)'"');
    }
}

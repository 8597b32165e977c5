using System.Text.Json;

namespace Secrets.Client;

/// <summary>Reads JSON object secrets without ever materialising a managed copy of a value.</summary>
internal static class JsonSecretReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static SecretValue ExtractField(ReadOnlySpan<byte> json, string field)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new SecretFormatException("The secret is not a JSON object, so it has no fields.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var matches = reader.ValueTextEquals(field);
                reader.Read();
                if (matches)
                {
                    return ReadValue(ref reader, json);
                }

                reader.Skip();
            }
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw NotValidJson();
        }

        throw new SecretFormatException($"The JSON secret has no field '{field}'.");
    }

    /// <summary>Calls <paramref name="visit"/> for every leaf of a JSON object, with a ':'-joined path.</summary>
    public static void Flatten<TState>(ReadOnlySpan<byte> json, TState state, Action<string, SecretValue, TState> visit)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new SecretFormatException("The secret is not a JSON object.");
            }

            FlattenObject(ref reader, json, prefix: null, state, visit);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw NotValidJson();
        }
    }

    /// <summary>Tells, without throwing, whether bytes look like a JSON object.</summary>
    public static bool IsJsonObject(ReadOnlySpan<byte> bytes)
    {
        var trimmed = bytes.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{')
        {
            return false;
        }

        var reader = new Utf8JsonReader(bytes, ReaderOptions);
        try
        {
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the reader failed on the input: <see cref="JsonException"/> for bad syntax, and
    /// <see cref="InvalidOperationException"/> from <c>GetString</c>, <c>CopyString</c> and <c>ValueTextEquals</c> when a
    /// string's escapes decode to a lone surrogate (<c>"\ud800"</c>) or its bytes are not UTF-8.
    /// </summary>
    private static bool IsMalformed(Exception exception) => exception is JsonException or InvalidOperationException;

    // No inner exception: the reader's message quotes the bytes around the error, which belong to the secret.
    private static SecretFormatException NotValidJson() =>
        new("The secret is not valid JSON, or one of its strings is not valid UTF-8 or holds a lone surrogate escape.");

    private static void FlattenObject<TState>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string? prefix, TState state, Action<string, SecretValue, TState> visit)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            var path = prefix is null ? name : prefix + ":" + name;
            reader.Read();
            VisitValue(ref reader, json, path, state, visit);
        }
    }

    private static void VisitValue<TState>(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string path, TState state, Action<string, SecretValue, TState> visit)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                FlattenObject(ref reader, json, path, state, visit);
                break;
            case JsonTokenType.StartArray:
                var index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    VisitValue(ref reader, json, path + ":" + index.ToString(System.Globalization.CultureInfo.InvariantCulture), state, visit);
                    index++;
                }

                break;
            case JsonTokenType.Null:
                break;
            default:
                visit(path, ReadValue(ref reader, json), state);
                break;
        }
    }

    private static SecretValue ReadValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var escapedLength = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
            return SecretValue.Create(escapedLength, reader, static (destination, r) => r.CopyString(destination));
        }

        var start = checked((int)reader.TokenStartIndex);
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        var end = checked((int)reader.BytesConsumed);
        return SecretValue.FromBytes(json[start..end]);
    }
}

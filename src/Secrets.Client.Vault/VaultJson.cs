using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Secrets.Client.Vault;

/// <summary>
/// Reads Vault's JSON with <see cref="Utf8JsonReader"/> straight from the response bytes: a KV v2 read yields the byte
/// range of <c>data.data</c> (the secret, never turned into strings) and the parsed <c>data.metadata</c>.
/// </summary>
internal static class VaultJson
{
    private const int MaxErrors = 3;
    private const int MaxErrorLength = 200;

    /// <summary>Finds <c>data.data</c> (its raw bytes' range, or <see langword="null"/> when it is null or absent) and <c>data.metadata</c>.</summary>
    /// <exception cref="JsonException">The body is not the JSON Vault sends; the only exception any body raises.</exception>
    public static (Range? Data, VaultKvVersion? Metadata) ReadKvData(ReadOnlySpan<byte> body)
    {
        try
        {
            return ReadKvDataCore(body);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw NotVaultJson();
        }
    }

    /// <summary>Reads a write's answer, <c>{"data": {version, created_time, ...}}</c>.</summary>
    /// <exception cref="JsonException">The body is not the JSON Vault sends; the only exception any body raises.</exception>
    public static VaultKvVersion? ReadWriteResult(ReadOnlySpan<byte> body)
    {
        try
        {
            return ReadWriteResultCore(body);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw NotVaultJson();
        }
    }

    private static (Range? Data, VaultKvVersion? Metadata) ReadKvDataCore(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        Range? data = null;
        VaultKvVersion? metadata = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Vault's response is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isData = reader.ValueTextEquals("data"u8);
            reader.Read();
            if (!isData || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        data = new Range(start, (int)reader.BytesConsumed);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("metadata"u8))
                {
                    reader.Read();
                    metadata = reader.TokenType == JsonTokenType.StartObject ? ReadVersion(ref reader) : SkipNull(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        return (data, metadata);
    }

    private static VaultKvVersion? ReadWriteResultCore(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Vault's response is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isData = reader.ValueTextEquals("data"u8);
            reader.Read();
            if (isData && reader.TokenType == JsonTokenType.StartObject)
            {
                return ReadVersion(ref reader);
            }

            reader.Skip();
        }

        return null;
    }

    /// <summary>Joins the strings of Vault's <c>errors</c> array (at most three, each cut at 200 characters); nothing else of the body.</summary>
    public static string? ReadErrors(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isErrors = reader.ValueTextEquals("errors"u8);
                reader.Read();
                if (!isErrors || reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                var errors = new StringBuilder();
                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String || count == MaxErrors)
                    {
                        reader.Skip();
                        continue;
                    }

                    var text = reader.GetString() ?? string.Empty;
                    errors.Append(count++ == 0 ? string.Empty : "; ").Append(text.Length > MaxErrorLength ? text[..MaxErrorLength] + "..." : text);
                }

                return count == 0 ? null : errors.ToString();
            }
        }
        catch (Exception ex) when (IsMalformed(ex) || ex is JsonException)
        {
            // Not Vault's error shape (a proxy's HTML page, say): say nothing of it.
        }

        return null;
    }

    /// <summary>Reads a KV v2 version object: <c>{version, created_time, deletion_time, destroyed, custom_metadata}</c>.</summary>
    public static VaultKvVersion ReadVersion(ref Utf8JsonReader reader)
    {
        var version = new VaultKvVersion();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("version"u8))
            {
                reader.Read();
                version.Version = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : 0;
            }
            else if (reader.ValueTextEquals("created_time"u8))
            {
                reader.Read();
                version.CreatedOn = ReadTime(ref reader);
            }
            else if (reader.ValueTextEquals("deletion_time"u8))
            {
                reader.Read();
                version.DeletedOn = ReadTime(ref reader);
            }
            else if (reader.ValueTextEquals("destroyed"u8))
            {
                reader.Read();
                version.Destroyed = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("custom_metadata"u8))
            {
                reader.Read();
                version.CustomMetadata = ReadStringMap(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return version;
    }

    public static DateTimeOffset? ParseTime(string? text) =>
        !string.IsNullOrEmpty(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    public static Dictionary<string, string>? ReadStringMap(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                map[key] = reader.GetString()!;
            }
            else
            {
                reader.Skip();
            }
        }

        return map;
    }

    /// <summary>
    /// Whether the reader failed on content that is JSON but not Vault's shape: <see cref="InvalidOperationException"/>
    /// from <c>GetString</c> on a token of another type or a string that decodes to a lone surrogate, and
    /// <see cref="FormatException"/> from <c>GetInt32</c> on a number out of range. Callers already map
    /// <see cref="JsonException"/> to the adapter's malformed-response error, so these become one.
    /// </summary>
    private static bool IsMalformed(Exception exception) => exception is InvalidOperationException or FormatException;

    // No inner exception: the reader's message may quote bytes of the body, which may be the secret.
    private static JsonException NotVaultJson() => new("Vault's response holds a value of the wrong type, a number out of range, or an invalid string.");

    private static DateTimeOffset? ReadTime(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? ParseTime(reader.GetString()) : null;

    private static VaultKvVersion? SkipNull(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }
}

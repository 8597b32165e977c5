using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Secrets.Client.Aws;

/// <summary>
/// Parses Secrets Manager responses with <see cref="Utf8JsonReader"/>. Secret values go from the response bytes straight
/// into <see cref="SecretValue"/> memory (JSON-unescaped or base64-decoded in place); no managed string of a value is made.
/// </summary>
internal static class AwsResponseReader
{
    public const string JsonContentType = "application/json";
    public const string TextContentType = "text/plain";
    public const string BinaryContentType = "application/octet-stream";

    // DateTimeOffset's range in Unix seconds (0001-01-01 to 9999-12-31).
    private const double MinUnixSeconds = -62_135_596_800;
    private const double MaxUnixSeconds = 253_402_300_799;

    public static Secret ReadSecretValue(ReadOnlySpan<byte> json, string provider, string fallbackName)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            Expect(ref reader, JsonTokenType.StartObject);
            return ReadSecretEntry(ref reader, provider, fallbackName, out _);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(provider, fallbackName, "GetSecretValue");
        }
    }

    public static string? ReadBatch(ReadOnlySpan<byte> json, string provider, List<(Secret Secret, string? Arn)> values, List<(string SecretId, string Code, string? Message)> errors)
    {
        var reader = new Utf8JsonReader(json);
        string? next = null;
        try
        {
            Expect(ref reader, JsonTokenType.StartObject);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("SecretValues"))
                {
                    Expect(ref reader, JsonTokenType.StartArray);
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        var secret = ReadSecretEntry(ref reader, provider, fallbackName: "?", out var arn);
                        values.Add((secret, arn));
                    }
                }
                else if (reader.ValueTextEquals("Errors"))
                {
                    Expect(ref reader, JsonTokenType.StartArray);
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        string? id = null, code = null, message = null;
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var property = reader.GetString();
                            reader.Read();
                            switch (property)
                            {
                                case "SecretId": id = reader.GetString(); break;
                                case "ErrorCode": code = reader.GetString(); break;
                                case "Message" or "message": message = reader.GetString(); break;
                                default: reader.Skip(); break;
                            }
                        }

                        if (id is not null)
                        {
                            errors.Add((id, AwsErrorMapper.Sanitize(code), message));
                        }
                    }
                }
                else if (reader.ValueTextEquals("NextToken"))
                {
                    reader.Read();
                    next = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            foreach (var (secret, _) in values)
            {
                secret.Dispose();
            }

            values.Clear();
            throw Malformed(provider, null, "BatchGetSecretValue");
        }

        return next;
    }

    public static AwsSecretDescription ReadDescription(ReadOnlySpan<byte> json, string provider, string secretName)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            Expect(ref reader, JsonTokenType.StartObject);
            return ReadDescriptionObject(ref reader);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(provider, secretName, "DescribeSecret");
        }
    }

    public static string? ReadSecretList(ReadOnlySpan<byte> json, string provider, string? prefix, List<AwsSecretDescription> list)
    {
        try
        {
            return ReadSecretListCore(json, list);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(provider, prefix, "ListSecrets");
        }
    }

    public static string? ReadVersionList(ReadOnlySpan<byte> json, string provider, string fallbackName, List<SecretProperties> versions)
    {
        try
        {
            return ReadVersionListCore(json, provider, fallbackName, versions);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(provider, fallbackName, "ListSecretVersionIds");
        }
    }

    public static (string? Name, string? VersionId, string[] Stages) ReadWriteResult(ReadOnlySpan<byte> json, string provider, string secretName)
    {
        try
        {
            return ReadWriteResultCore(json);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(provider, secretName, "the write");
        }
    }

    private static string? ReadSecretListCore(ReadOnlySpan<byte> json, List<AwsSecretDescription> list)
    {
        var reader = new Utf8JsonReader(json);
        string? next = null;
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("SecretList"))
            {
                Expect(ref reader, JsonTokenType.StartArray);
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    list.Add(ReadDescriptionObject(ref reader));
                }
            }
            else if (reader.ValueTextEquals("NextToken"))
            {
                reader.Read();
                next = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return next;
    }

    private static string? ReadVersionListCore(ReadOnlySpan<byte> json, string provider, string fallbackName, List<SecretProperties> versions)
    {
        var reader = new Utf8JsonReader(json);
        string? next = null, name = null;
        var raw = new List<(string Id, string[] Stages, DateTimeOffset? Created)>();
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("Versions"))
            {
                Expect(ref reader, JsonTokenType.StartArray);
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    string? id = null;
                    string[] stages = [];
                    DateTimeOffset? created = null;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var property = reader.GetString();
                        reader.Read();
                        switch (property)
                        {
                            case "VersionId": id = reader.GetString(); break;
                            case "VersionStages": stages = ReadStringArray(ref reader); break;
                            case "CreatedDate": created = ReadDate(ref reader); break;
                            default: reader.Skip(); break;
                        }
                    }

                    if (id is not null)
                    {
                        raw.Add((id, stages, created));
                    }
                }
            }
            else if (reader.ValueTextEquals("NextToken"))
            {
                reader.Read();
                next = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("Name"))
            {
                reader.Read();
                name = reader.GetString();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        versions.AddRange(raw.Select(v => new SecretProperties(provider, name ?? fallbackName) { Version = v.Id, Stages = v.Stages, CreatedOn = v.Created }));
        return next;
    }

    private static (string? Name, string? VersionId, string[] Stages) ReadWriteResultCore(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? name = null, version = null;
        string[] stages = [];
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            reader.Read();
            switch (property)
            {
                case "Name": name = reader.GetString(); break;
                case "VersionId": version = reader.GetString(); break;
                case "VersionStages": stages = ReadStringArray(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return (name, version, stages);
    }

    /// <summary>Reads the error code (<c>__type</c>, <c>code</c>) and message of an error body; tolerates anything.</summary>
    public static (string Code, string? Message) ReadError(ReadOnlySpan<byte> json)
    {
        string? code = null, message = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (string.Empty, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.GetString();
                reader.Read();
                switch (property)
                {
                    case "__type" or "code" or "Code" when reader.TokenType == JsonTokenType.String: code ??= reader.GetString(); break;
                    case "message" or "Message" when reader.TokenType == JsonTokenType.String: message ??= reader.GetString(); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
        }

        return (AwsErrorMapper.Sanitize(code), message);
    }

    private static Secret ReadSecretEntry(ref Utf8JsonReader reader, string provider, string fallbackName, out string? arn)
    {
        SecretValue? value = null;
        string? name = null, version = null, contentType = null;
        string[] stages = [];
        DateTimeOffset? created = null;
        arn = null;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("SecretString"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        value?.Dispose();
                        value = ReadString(ref reader);
                        contentType = LooksLikeJsonObject(value) ? JsonContentType : TextContentType;
                    }

                    continue;
                }

                if (reader.ValueTextEquals("SecretBinary"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        value?.Dispose();
                        value = ReadBase64(ref reader, provider, name ?? fallbackName);
                        contentType = BinaryContentType;
                    }

                    continue;
                }

                // Compared in place: a cold fetch should not allocate a string per property name.
                var property = reader.ValueTextEquals("ARN"u8) ? Field.Arn
                    : reader.ValueTextEquals("Name"u8) ? Field.Name
                    : reader.ValueTextEquals("VersionId"u8) ? Field.VersionId
                    : reader.ValueTextEquals("VersionStages"u8) ? Field.VersionStages
                    : reader.ValueTextEquals("CreatedDate"u8) ? Field.CreatedDate
                    : Field.Other;
                reader.Read();
                switch (property)
                {
                    case Field.Arn: arn = reader.GetString(); break;
                    case Field.Name: name = reader.GetString(); break;
                    case Field.VersionId: version = reader.GetString(); break;
                    case Field.VersionStages: stages = ReadStringArray(ref reader); break;
                    case Field.CreatedDate: created = ReadDate(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch
        {
            value?.Dispose();
            throw;
        }

        if (value is null)
        {
            throw new SecretFormatException(provider, name ?? fallbackName, "The response holds neither SecretString nor SecretBinary.");
        }

        var properties = new SecretProperties(provider, name ?? fallbackName)
        {
            Version = version,
            Stages = stages,
            CreatedOn = created,
            ContentType = contentType,
        };
        return new Secret(properties, value);
    }

    private static SecretValue ReadString(ref Utf8JsonReader reader)
    {
        var escapedLength = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        return SecretValue.Create(escapedLength, reader, static (destination, r) => r.CopyString(destination));
    }

    private static SecretValue ReadBase64(ref Utf8JsonReader reader, string provider, string name)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return DecodeBase64(reader.ValueSpan, provider, name);
        }

        // Escaped base64 (for example "\/" for '/') is legal JSON: unescape into a pooled buffer first, then clear it.
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        var written = 0;
        try
        {
            written = reader.CopyString(rented);
            return DecodeBase64(rented.AsSpan(0, written), provider, name);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rented.AsSpan(0, written));
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static SecretValue DecodeBase64(ReadOnlySpan<byte> base64, string provider, string name)
    {
        try
        {
            return SecretValue.Create(Base64.GetMaxDecodedFromUtf8Length(base64.Length), base64, static (destination, source) =>
                Base64.DecodeFromUtf8(source, destination, out _, out var written) == OperationStatus.Done
                    ? written
                    : throw new FormatException());
        }
        catch (FormatException)
        {
            throw new SecretFormatException(provider, name, "SecretBinary is not valid base64.");
        }
    }

    private static bool LooksLikeJsonObject(SecretValue value)
    {
        using var lease = value.Lease();
        var bytes = lease.Span.TrimStart(" \t\r\n"u8);
        if (bytes.IsEmpty || bytes[0] != (byte)'{')
        {
            return false;
        }

        var reader = new Utf8JsonReader(bytes);
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

    private static AwsSecretDescription ReadDescriptionObject(ref Utf8JsonReader reader)
    {
        var description = new AwsSecretDescription();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            reader.Read();
            switch (property)
            {
                case "ARN": description.Arn = reader.GetString(); break;
                case "Name": description.Name = reader.GetString(); break;
                case "Description": description.Description = reader.GetString(); break;
                case "CreatedDate": description.CreatedDate = ReadDate(ref reader); break;
                case "LastChangedDate": description.LastChangedDate = ReadDate(ref reader); break;
                case "DeletedDate": description.DeletedDate = ReadDate(ref reader); break;
                case "VersionIdsToStages" or "SecretVersionsToStages" when reader.TokenType == JsonTokenType.StartObject:
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var version = reader.GetString()!;
                        reader.Read();
                        description.VersionsToStages[version] = ReadStringArray(ref reader);
                    }

                    break;
                case "Tags" when reader.TokenType == JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        string? key = null, tagValue = null;
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var tagProperty = reader.GetString();
                            reader.Read();
                            switch (tagProperty)
                            {
                                case "Key": key = reader.GetString(); break;
                                case "Value": tagValue = reader.GetString(); break;
                                default: reader.Skip(); break;
                            }
                        }

                        if (key is not null)
                        {
                            description.Tags[key] = tagValue ?? string.Empty;
                        }
                    }

                    break;
                default: reader.Skip(); break;
            }
        }

        return description;
    }

    private static string[] ReadStringArray(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return [];
        }

        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                values.Add(reader.GetString()!);
            }
        }

        return [.. values];
    }

    private static DateTimeOffset? ReadDate(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        // AWS JSON 1.1 timestamps are epoch seconds, possibly with a fraction.
        JsonTokenType.Number when reader.TryGetDouble(out var seconds) && seconds is >= MinUnixSeconds and <= MaxUnixSeconds =>
            DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)),
        JsonTokenType.String when DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
        _ => null,
    };

    /// <summary>
    /// Whether the reader failed on the response: <see cref="JsonException"/> for bad syntax or shape, and
    /// <see cref="InvalidOperationException"/> from <c>GetString</c>/<c>CopyString</c> on a token of another type or a
    /// string that decodes to a lone surrogate.
    /// </summary>
    private static bool IsMalformed(Exception exception) => exception is JsonException or InvalidOperationException;

    // No inner exception: the reader's message quotes bytes of the response, which may be the secret.
    private static SecretFormatException Malformed(string provider, string? secretName, string operation) =>
        new(provider, secretName, $"The {operation} response is not the JSON Secrets Manager sends.") { ErrorCode = "MalformedResponse" };

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"Expected {type}.");
        }
    }

    private enum Field
    {
        Other,
        Arn,
        Name,
        VersionId,
        VersionStages,
        CreatedDate,
    }
}

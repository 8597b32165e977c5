using System.Text.Json;

namespace Secrets.Client.Aws;

/// <summary>
/// Parses Secrets Manager responses with <see cref="Utf8JsonReader"/>, one entry point per operation: an answer that is
/// not the JSON the service sends is a <see cref="SecretFormatException"/> that quotes none of it. Secret entries are read
/// by <see cref="AwsSecretEntryReader"/> (values straight into secret memory), descriptions by <see cref="AwsDescriptionReader"/>.
/// </summary>
internal static class AwsResponseReader
{
    public static Secret ReadSecretValue(ReadOnlySpan<byte> json, string provider, string fallbackName)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            AwsDescriptionReader.Expect(ref reader, JsonTokenType.StartObject);
            return AwsSecretEntryReader.Read(ref reader, provider, fallbackName, out _);
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
            AwsDescriptionReader.Expect(ref reader, JsonTokenType.StartObject);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("SecretValues"))
                {
                    AwsDescriptionReader.Expect(ref reader, JsonTokenType.StartArray);
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        var secret = AwsSecretEntryReader.Read(ref reader, provider, fallbackName: "?", out var arn);
                        values.Add((secret, arn));
                    }
                }
                else if (reader.ValueTextEquals("Errors"))
                {
                    AwsDescriptionReader.Expect(ref reader, JsonTokenType.StartArray);
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
            AwsDescriptionReader.Expect(ref reader, JsonTokenType.StartObject);
            return AwsDescriptionReader.Read(ref reader);
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
        AwsDescriptionReader.Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("SecretList"))
            {
                AwsDescriptionReader.Expect(ref reader, JsonTokenType.StartArray);
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    list.Add(AwsDescriptionReader.Read(ref reader));
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
        AwsDescriptionReader.Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("Versions"))
            {
                AwsDescriptionReader.Expect(ref reader, JsonTokenType.StartArray);
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
                            case "VersionStages": stages = AwsDescriptionReader.ReadStringArray(ref reader); break;
                            case "CreatedDate": created = AwsDescriptionReader.ReadDate(ref reader); break;
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
        AwsDescriptionReader.Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            reader.Read();
            switch (property)
            {
                case "Name": name = reader.GetString(); break;
                case "VersionId": version = reader.GetString(); break;
                case "VersionStages": stages = AwsDescriptionReader.ReadStringArray(ref reader); break;
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

    /// <summary>
    /// Whether the reader failed on the response: <see cref="JsonException"/> for bad syntax or shape, and
    /// <see cref="InvalidOperationException"/> from <c>GetString</c>/<c>CopyString</c> on a token of another type or a
    /// string that decodes to a lone surrogate.
    /// </summary>
    private static bool IsMalformed(Exception exception) => exception is JsonException or InvalidOperationException;

    // No inner exception: the reader's message quotes bytes of the response, which may be the secret.
    private static SecretFormatException Malformed(string provider, string? secretName, string operation) =>
        new(provider, secretName, $"The {operation} response is not the JSON Secrets Manager sends.") { ErrorCode = "MalformedResponse" };
}

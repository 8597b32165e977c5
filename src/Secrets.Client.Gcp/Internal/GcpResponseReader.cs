using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Gcp;

/// <summary>
/// Reads Secret Manager's answers: a version's payload straight into secret memory (checked against its CRC32C), pages
/// of secrets, labels, version names, states and times. An answer that is not the JSON the service sends is a
/// <see cref="SecretFormatException"/> that quotes none of it.
/// </summary>
internal sealed class GcpResponseReader(string provider, ILogger logger)
{
    public static IReadOnlyDictionary<string, string> EmptyTags { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public (string Version, SecretValue Value) ReadAccessResponse(GcpLocation location, ReadOnlySpan<byte> body)
    {
        try
        {
            return ReadAccessResponseCore(location, body);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(location.DisplayName, "access");
        }
    }

    public List<SecretProperties> ReadSecretsPage(JsonElement root, string displayPrefix, string idPrefix, Func<Dictionary<string, string>, bool> inScope, out string? nextPageToken)
    {
        try
        {
            return ReadSecretsPageCore(root, displayPrefix, idPrefix, inScope, out nextPageToken);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(displayPrefix, "list");
        }
    }

    public static Dictionary<string, string> ReadLabels(JsonElement secret)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (secret.TryGetProperty("labels", out var element) && element.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in element.EnumerateObject())
            {
                labels[label.Name] = label.Value.ValueKind == JsonValueKind.String ? label.Value.GetString()! : label.Value.GetRawText();
            }
        }

        return labels;
    }

    public static string VersionFromName(string? name)
    {
        var slash = name?.LastIndexOf('/') ?? -1;
        return slash < 0 || slash == name!.Length - 1 ? throw new FormatException("The version's resource name is missing.") : name[(slash + 1)..];
    }

    public static string? StateName(JsonElement state) =>
        state.ValueKind switch
        {
            JsonValueKind.String => state.GetString(),
            // With $alt=json;enum-encoding=int the service sends enum numbers.
            JsonValueKind.Number => state.GetInt32() switch { 1 => "ENABLED", 2 => "DISABLED", 3 => "DESTROYED", var other => "STATE_" + other.ToString(CultureInfo.InvariantCulture) },
            _ => null,
        };

    public static DateTimeOffset? ReadTime(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;

    /// <summary>
    /// Whether reading an answer failed on its content: bad JSON, a property of the wrong type or a string that decodes to
    /// a lone surrogate (<see cref="InvalidOperationException"/> from the reader), a required property missing
    /// (<see cref="KeyNotFoundException"/>), or a number or name that is not what Secret Manager sends.
    /// </summary>
    private static bool IsMalformed(Exception exception) =>
        exception is JsonException or InvalidOperationException or KeyNotFoundException or FormatException;

    // No inner exception: the reader's message quotes bytes of the answer, which may be the secret.
    private SecretFormatException Malformed(string secretName, string operation) =>
        new(provider, secretName, $"Secret Manager's {operation} answer is not the JSON it sends.") { ErrorCode = "MalformedResponse" };

    private (string Version, SecretValue Value) ReadAccessResponseCore(GcpLocation location, ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        string? name = null;
        long? checksum = null;
        var dataStart = -1;
        var dataLength = 0;
        var escaped = false;
        var inPayload = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 1)
            {
                inPayload = false;
                continue;
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.CurrentDepth == 1)
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("payload"u8))
                {
                    reader.Read();
                    inPayload = reader.TokenType == JsonTokenType.StartObject;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            else if (inPayload && reader.CurrentDepth == 2 && reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    dataStart = (int)reader.TokenStartIndex + 1;
                    dataLength = reader.ValueSpan.Length;
                    escaped = reader.ValueIsEscaped;
                }
            }
            else if (inPayload && reader.CurrentDepth == 2 && reader.ValueTextEquals("dataCrc32c"u8))
            {
                reader.Read();
                checksum = reader.TokenType switch
                {
                    JsonTokenType.String when long.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
                    JsonTokenType.Number when reader.TryGetInt64(out var number) => number,
                    _ => throw new FormatException("dataCrc32c is not an int64."),
                };
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var version = VersionFromName(name);
        SecretValue value;
        if (dataStart < 0)
        {
            // proto3 JSON leaves an empty payload out.
            value = SecretValue.FromBytes([]);
        }
        else if (!escaped)
        {
            value = Decode(location, body.Slice(dataStart, dataLength));
        }
        else
        {
            var unescaped = ArrayPool<byte>.Shared.Rent(dataLength);
            try
            {
                var nested = new Utf8JsonReader(body[(dataStart - 1)..]);
                nested.Read();
                var count = nested.CopyString(unescaped);
                value = Decode(location, unescaped.AsSpan(0, count));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(unescaped);
                ArrayPool<byte>.Shared.Return(unescaped);
            }
        }

        if (checksum is { } expected)
        {
            var actual = value.Use(0, static (secret, _) => Crc32C.Compute(secret));
            if (actual != expected)
            {
                value.Dispose();
                GcpSecretManagerLog.ChecksumMismatch(logger, location.DisplayName, version, location.Project);
                throw new SecretIntegrityException(provider, location.DisplayName, $"Version {version}'s payload does not match its CRC32C checksum: it was corrupted in transit or storage.") { ErrorCode = "ChecksumMismatch" };
            }
        }

        return (version, value);
    }

    private SecretValue Decode(GcpLocation location, ReadOnlySpan<byte> base64)
    {
        try
        {
            return SecretValue.Create(Base64.GetMaxDecodedFromUtf8Length(base64.Length), base64, static (destination, source) =>
                Base64.DecodeFromUtf8(source, destination, out _, out var written) == OperationStatus.Done ? written : throw new FormatException());
        }
        catch (FormatException)
        {
            throw new SecretFormatException(provider, location.DisplayName, "Secret Manager returned a payload that is not valid base64.") { ErrorCode = "InvalidBase64" };
        }
    }

    private List<SecretProperties> ReadSecretsPageCore(JsonElement root, string displayPrefix, string idPrefix, Func<Dictionary<string, string>, bool> inScope, out string? nextPageToken)
    {
        nextPageToken = root.TryGetProperty("nextPageToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
        var page = new List<SecretProperties>();
        if (!root.TryGetProperty("secrets", out var secrets) || secrets.ValueKind != JsonValueKind.Array)
        {
            return page;
        }

        foreach (var secret in secrets.EnumerateArray())
        {
            var name = secret.GetProperty("name").GetString() ?? string.Empty;
            var id = name[(name.LastIndexOf('/') + 1)..];
            if (!id.StartsWith(idPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var labels = ReadLabels(secret);
            if (!inScope(labels))
            {
                continue;
            }

            page.Add(new SecretProperties(provider, displayPrefix + id) { CreatedOn = ReadTime(secret, "createTime"), Tags = labels });
        }

        return page;
    }
}

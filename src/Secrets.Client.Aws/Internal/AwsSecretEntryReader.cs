using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Secrets.Client.Aws;

/// <summary>
/// Reads one secret entry of <c>GetSecretValue</c> or <c>BatchGetSecretValue</c>: <c>SecretString</c> is JSON-unescaped
/// and <c>SecretBinary</c> base64-decoded from the response bytes straight into <see cref="SecretValue"/> memory, so that
/// no managed string of a value is made; the entry's metadata comes along.
/// </summary>
internal static class AwsSecretEntryReader
{
    public const string JsonContentType = "application/json";
    public const string TextContentType = "text/plain";
    public const string BinaryContentType = "application/octet-stream";

    public static Secret Read(ref Utf8JsonReader reader, string provider, string fallbackName, out string? arn)
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
                    case Field.Name: name = AwsDescriptionReader.ReadName(ref reader, fallbackName); break;
                    case Field.VersionId: version = reader.GetString(); break;
                    case Field.VersionStages: stages = AwsDescriptionReader.ReadStringArray(ref reader); break;
                    case Field.CreatedDate: created = AwsDescriptionReader.ReadDate(ref reader); break;
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

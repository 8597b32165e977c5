using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// Secrets Manager's JSON 1.1 wire shapes: reading a request's fields, value and paging token, and writing dates
/// (epoch seconds), value entries, tags, stage maps and a secret's metadata. No state: the backend decides, this spells.
/// </summary>
internal static class AwsSecretsManagerWire
{
    internal static void WriteDate(Utf8JsonWriter writer, string name, DateTimeOffset? date)
    {
        if (date is { } value)
        {
            // AWS JSON 1.1 sends timestamps as epoch seconds, with milliseconds as a fraction.
            writer.WriteNumber(name, value.ToUnixTimeMilliseconds() / 1000.0);
        }
    }

    internal static string? OptionalString(JsonElement request, string name) =>
        request.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static string RequiredString(JsonElement request, string name) =>
        OptionalString(request, name) is { Length: > 0 } value ? value : throw AwsEmulatorException.InvalidParameter($"You must provide a value for the {name} parameter.");

    internal static int MaxResults(JsonElement request, int limit, int fallback)
    {
        if (!request.TryGetProperty("MaxResults", out var value))
        {
            return fallback;
        }

        return value.TryGetInt32(out var max) && max >= 1 && max <= limit
            ? max
            : throw AwsEmulatorException.InvalidParameter($"MaxResults must be between 1 and {limit}.");
    }

    internal static int Offset(JsonElement request)
    {
        if (OptionalString(request, "NextToken") is not { } token)
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw new AwsEmulatorException("InvalidNextTokenException", "The NextToken value is invalid.");
    }

    internal static string NextToken(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    internal static (string? Text, byte[]? Binary) ReadValue(JsonElement request)
    {
        var text = OptionalString(request, "SecretString");
        byte[]? binary = null;
        if (request.TryGetProperty("SecretBinary", out var encoded) && encoded.ValueKind == JsonValueKind.String)
        {
            try
            {
                binary = encoded.GetBytesFromBase64();
            }
            catch (FormatException)
            {
                throw AwsEmulatorException.InvalidParameter("SecretBinary is not valid base64.");
            }
        }

        if (text is not null && binary is not null)
        {
            throw AwsEmulatorException.InvalidParameter("You can't specify both SecretString and SecretBinary.");
        }

        if ((text is not null ? Encoding.UTF8.GetByteCount(text) : binary?.Length ?? 0) > AwsEmulatorBackend.MaxValueBytes)
        {
            throw AwsEmulatorException.InvalidParameter($"The secret value must be at most {AwsEmulatorBackend.MaxValueBytes} bytes.");
        }

        return (text, binary);
    }

    internal static void WriteValueEntry(Utf8JsonWriter writer, AwsEmulatedSecret secret, AwsEmulatedVersion version)
    {
        writer.WriteString("ARN", secret.Arn);
        writer.WriteString("Name", secret.Name);
        writer.WriteString("VersionId", version.VersionId);
        if (version.Text is not null)
        {
            writer.WriteString("SecretString", version.Text);
        }
        else
        {
            writer.WriteBase64String("SecretBinary", version.Binary);
        }

        writer.WriteStartArray("VersionStages");
        foreach (var stage in version.Stages)
        {
            writer.WriteStringValue(stage);
        }

        writer.WriteEndArray();
        WriteDate(writer, "CreatedDate", version.CreatedDate);
    }

    internal static void WriteTags(Utf8JsonWriter writer, AwsEmulatedSecret secret)
    {
        if (secret.Tags.Count == 0)
        {
            return;
        }

        writer.WriteStartArray("Tags");
        foreach (var (key, value) in secret.Tags)
        {
            writer.WriteStartObject();
            writer.WriteString("Key", key);
            writer.WriteString("Value", value);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    internal static void WriteVersionsToStages(Utf8JsonWriter writer, string name, AwsEmulatedSecret secret)
    {
        writer.WriteStartObject(name);
        foreach (var version in secret.Versions.Where(v => v.Stages.Count > 0))
        {
            writer.WriteStartArray(version.VersionId);
            foreach (var stage in version.Stages)
            {
                writer.WriteStringValue(stage);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }


    /// <summary>The metadata DescribeSecret answers and ListSecrets repeats per entry; only the stages map's name differs.</summary>
    internal static void WriteSecretMetadata(Utf8JsonWriter response, AwsEmulatedSecret secret, string stagesPropertyName)
    {
        response.WriteString("ARN", secret.Arn);
        response.WriteString("Name", secret.Name);
        if (secret.Description is not null)
        {
            response.WriteString("Description", secret.Description);
        }

        if (secret.RotationEnabled)
        {
            response.WriteBoolean("RotationEnabled", true);
        }

        WriteDate(response, "LastRotatedDate", secret.LastRotatedDate);
        WriteDate(response, "LastChangedDate", secret.LastChangedDate);
        WriteDate(response, "LastAccessedDate", secret.LastAccessedDate);
        WriteDate(response, "DeletedDate", secret.DeletedDate);
        WriteTags(response, secret);
        WriteVersionsToStages(response, stagesPropertyName, secret);
        WriteDate(response, "CreatedDate", secret.CreatedDate);
    }
}

using System.Globalization;
using System.Text.Json;

namespace Secrets.Client.Aws;

/// <summary>
/// Reads a secret's description (<c>DescribeSecret</c>, each item of <c>ListSecrets</c>) and the AWS JSON 1.1 field
/// shapes every answer uses: string arrays and epoch-second timestamps.
/// </summary>
internal static class AwsDescriptionReader
{
    // DateTimeOffset's range in Unix seconds (0001-01-01 to 9999-12-31).
    private const double MinUnixSeconds = -62_135_596_800;
    private const double MaxUnixSeconds = 253_402_300_799;

    public static AwsSecretDescription Read(ref Utf8JsonReader reader)
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

    /// <summary>Reads a secret's name, sharing the caller's string when it is the same name (the cache key's path).</summary>
    public static string? ReadName(ref Utf8JsonReader reader, string knownName) =>
        reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(knownName) ? knownName : reader.GetString();

    public static string[] ReadStringArray(ref Utf8JsonReader reader)
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
                values.Add(ReadStage(ref reader));
            }
        }

        return [.. values];
    }

    public static DateTimeOffset? ReadDate(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        // AWS JSON 1.1 timestamps are epoch seconds, possibly with a fraction.
        JsonTokenType.Number when reader.TryGetDouble(out var seconds) && seconds is >= MinUnixSeconds and <= MaxUnixSeconds =>
            DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)),
        JsonTokenType.String when DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
        _ => null,
    };

    /// <summary>Reads the next token and throws <see cref="JsonException"/> (a malformed answer) unless it is <paramref name="type"/>.</summary>
    public static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"Expected {type}.");
        }
    }

    /// <summary>Reads a stage label; AWS's own three are the shared literals, not a string per cached secret.</summary>
    private static string ReadStage(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("AWSCURRENT"u8) ? AwsSecretsManagerSecretProvider.CurrentStage
        : reader.ValueTextEquals("AWSPREVIOUS"u8) ? AwsSecretsManagerSecretProvider.PreviousStage
        : reader.ValueTextEquals("AWSPENDING"u8) ? AwsSecretsManagerSecretProvider.PendingStage
        : reader.GetString()!;
}

using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Secrets.Client;

/// <summary>
/// One audit record as one line of JSON, and back. The record type has no value to write, so none can be: the fields are
/// the record's (who, what, where, when, how it ended).
/// </summary>
internal static class AuditJsonLine
{
    public const string Time = "time";
    public const string Provider = "provider";
    public const string Secret = "secret";
    public const string Version = "version";
    public const string Field = "field";
    public const string Kind = "kind";
    public const string Outcome = "outcome";
    public const string Identity = "identity";
    public const string User = "user";
    public const string Host = "host";
    public const string Process = "process";
    public const string Environment = "environment";
    public const string Error = "error";

    /// <summary>Writes the record and a terminating newline.</summary>
    public static void Write(IBufferWriter<byte> output, in SecretAuditRecord record)
    {
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            json.WriteStartObject();
            json.WriteString(Time, record.Timestamp.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            json.WriteString(Provider, record.Provider);
            json.WriteString(Secret, record.SecretName);
            WriteOptional(json, Version, record.Version);
            WriteOptional(json, Field, record.Field);
            json.WriteString(Kind, record.Kind.ToString());
            json.WriteString(Outcome, record.Outcome.ToString());
            WriteOptional(json, Identity, record.Identity);
            json.WriteString(User, record.User);
            json.WriteString(Host, record.Host);
            json.WriteString(Process, record.Process);
            json.WriteString(Environment, record.Environment);
            WriteOptional(json, Error, record.ErrorType);
            json.WriteEndObject();
        }

        output.Write("\n"u8);
    }

    /// <summary>Reads one line; <see langword="false"/> when it is not a whole record (a torn or foreign line).</summary>
    public static bool TryRead(ReadOnlySpan<byte> line, out SecretAuditRecord record)
    {
        record = default;
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || String(root, Time) is not { } time
                || !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp)
                || String(root, Provider) is not { } provider
                || String(root, Secret) is not { } secret
                || !Enum.TryParse<SecretAccessKind>(String(root, Kind), out var kind)
                || !Enum.TryParse<SecretAuditOutcome>(String(root, Outcome), out var outcome))
            {
                return false;
            }

            record = new SecretAuditRecord
            {
                Timestamp = timestamp,
                Provider = provider,
                SecretName = secret,
                Version = String(root, Version),
                Field = String(root, Field),
                Kind = kind,
                Outcome = outcome,
                Identity = String(root, Identity),
                User = String(root, User) ?? string.Empty,
                Host = String(root, Host) ?? string.Empty,
                Process = String(root, Process) ?? string.Empty,
                Environment = String(root, Environment) ?? string.Empty,
                ErrorType = String(root, Error),
            };
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

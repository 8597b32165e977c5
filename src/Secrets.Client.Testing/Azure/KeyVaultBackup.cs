using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// The emulator's backup blob: a JSON document of every version of one secret. Unlike the service's, it is not
/// encrypted (an emulator holds test values only) and any emulator can restore it.
/// </summary>
internal static class KeyVaultBackup
{
    private const string Format = "secrets-client-emulator-keyvault-backup-1";

    public static byte[] Write(IReadOnlyList<KeyVaultStoredVersion> versions) => EmulatorJson.WriteObject(w =>
    {
        w.WriteString("format", Format);
        w.WriteStartArray("versions");
        foreach (var v in versions)
        {
            w.WriteStartObject();
            w.WriteString("name", v.Name);
            w.WriteString("version", v.Version);
            w.WriteString("value", v.Value);
            w.WriteString("contentType", v.ContentType);
            w.WriteBoolean("enabled", v.Enabled);
            WriteTime(w, "nbf", v.NotBefore);
            WriteTime(w, "exp", v.ExpiresOn);
            WriteTime(w, "created", v.Created);
            WriteTime(w, "updated", v.Updated);
            if (v.Tags is not null)
            {
                EmulatorJson.WriteStringMap(w, "tags", v.Tags);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    /// <summary>Reads a blob <see cref="Write"/> made; <see langword="null"/> when it is not one.</summary>
    public static List<KeyVaultStoredVersion>? Read(byte[] blob)
    {
        using var document = EmulatorJson.TryParse(blob);
        var root = document?.RootElement ?? default;
        if (EmulatorJson.OptionalString(root, "format") != Format || !root.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var result = new List<KeyVaultStoredVersion>();
        foreach (var v in versions.EnumerateArray())
        {
            if (EmulatorJson.OptionalString(v, "name") is not { } name || !KeyVaultState.IsValidName(name)
                || EmulatorJson.OptionalString(v, "version") is not { } version || EmulatorJson.OptionalString(v, "value") is not { } value)
            {
                return null;
            }

            result.Add(new KeyVaultStoredVersion
            {
                Name = name,
                Version = version,
                Value = value,
                ContentType = EmulatorJson.OptionalString(v, "contentType"),
                Enabled = !v.TryGetProperty("enabled", out var enabled) || enabled.ValueKind != JsonValueKind.False,
                NotBefore = ReadTime(v, "nbf"),
                ExpiresOn = ReadTime(v, "exp"),
                Created = ReadTime(v, "created") ?? DateTimeOffset.UnixEpoch,
                Updated = ReadTime(v, "updated") ?? DateTimeOffset.UnixEpoch,
                Tags = EmulatorJson.ReadStringMap(v, "tags"),
            });
        }

        return result.TrueForAll(v => string.Equals(v.Name, result[0].Name, StringComparison.OrdinalIgnoreCase)) ? result : null;
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            w.WriteNumber(name, value.ToUnixTimeSeconds());
        }
    }

    private static DateTimeOffset? ReadTime(JsonElement element, string name) =>
        element.TryGetProperty(name, out var t) && t.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>The Key Vault emulator's JSON shapes: secret bundles, items, deleted bundles, attributes and skip tokens.</summary>
internal sealed partial class KeyVaultProtocol
{
    private void WriteBundle(Utf8JsonWriter w, KeyVaultStoredVersion version, bool includeValue)
    {
        w.WriteStartObject();
        if (includeValue)
        {
            w.WriteString("value", version.Value);
        }

        WriteCommon(w, version, $"{_vaultUri}secrets/{version.Name}/{version.Version}");
        w.WriteEndObject();
    }

    private void WriteItem(Utf8JsonWriter w, KeyVaultStoredVersion version, bool withVersion)
    {
        w.WriteStartObject();
        WriteCommon(w, version, withVersion ? $"{_vaultUri}secrets/{version.Name}/{version.Version}" : $"{_vaultUri}secrets/{version.Name}");
        w.WriteEndObject();
    }

    private void WriteDeletedBundle(Utf8JsonWriter w, KeyVaultStoredVersion version, DateTimeOffset deletedOn)
    {
        w.WriteStartObject();
        w.WriteString("recoveryId", $"{_vaultUri}deletedsecrets/{version.Name}");
        w.WriteNumber("deletedDate", deletedOn.ToUnixTimeSeconds());
        w.WriteNumber("scheduledPurgeDate", deletedOn.AddDays(90).ToUnixTimeSeconds());
        WriteCommon(w, version, $"{_vaultUri}secrets/{version.Name}/{version.Version}");
        w.WriteEndObject();
    }

    private static void WriteCommon(Utf8JsonWriter w, KeyVaultStoredVersion version, string id)
    {
        if (version.ContentType is not null)
        {
            w.WriteString("contentType", version.ContentType);
        }

        w.WriteString("id", id);
        w.WriteStartObject("attributes");
        w.WriteBoolean("enabled", version.Enabled);
        if (version.NotBefore is { } nbf)
        {
            w.WriteNumber("nbf", nbf.ToUnixTimeSeconds());
        }

        if (version.ExpiresOn is { } exp)
        {
            w.WriteNumber("exp", exp.ToUnixTimeSeconds());
        }

        w.WriteNumber("created", version.Created.ToUnixTimeSeconds());
        w.WriteNumber("updated", version.Updated.ToUnixTimeSeconds());
        w.WriteString("recoveryLevel", RecoveryLevel);
        w.WriteNumber("recoverableDays", 90);
        w.WriteEndObject();
        if (version.Tags is { } tags)
        {
            w.WriteStartObject("tags");
            foreach (var (key, value) in tags)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }
    }

    private static (bool? Enabled, DateTimeOffset? NotBefore, DateTimeOffset? ExpiresOn) ReadAttributes(JsonElement root)
    {
        if (!root.TryGetProperty("attributes", out var a) || a.ValueKind != JsonValueKind.Object)
        {
            return (null, null, null);
        }

        bool? enabled = a.TryGetProperty("enabled", out var e) && e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : null;
        return (enabled, ReadTime(a, "nbf"), ReadTime(a, "exp"));
    }

    private static DateTimeOffset? ReadTime(JsonElement attributes, string name) =>
        attributes.TryGetProperty(name, out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static Dictionary<string, string>? ReadTags(JsonElement root)
    {
        if (!root.TryGetProperty("tags", out var t) || t.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in t.EnumerateObject())
        {
            tags[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        return tags;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecodeBase64Url(string text, out byte[] bytes)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private static string EncodeSkipToken(int offset) => Base64Url(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static bool TryDecodeSkipToken(string token, out int offset)
    {
        offset = 0;
        if (!TryDecodeBase64Url(token, out var bytes))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes);
        return text.StartsWith("offset:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan("offset:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }
}

using System.Globalization;
using System.Text.Json;

namespace Secrets.Client.Vault;

/// <summary>
/// Reads one message of Vault's event subscription in JSON (<c>?json=true</c>): a CloudEvents envelope whose
/// <c>data</c> holds <c>event_type</c> (<c>kv-v2/data-write</c>, ...), <c>plugin_info.mount_path</c> and
/// <c>event.metadata</c> (<c>path</c>, <c>data_path</c>, <c>current_version</c>, <c>modified</c>, <c>operation</c>),
/// as the KV plugin sends it. Paths may or may not start with the mount; both spellings give <c>mount/path</c>.
/// </summary>
internal static class VaultKvEventReader
{
    private static readonly string[] OperationPrefixes = ["data/", "metadata/", "delete/", "undelete/", "destroy/"];

    /// <exception cref="FormatException">The message is not JSON, or an event lacks a field it needs (named; never the payload).</exception>
    public static VaultKvEvent Read(ReadOnlySpan<byte> message)
    {
        try
        {
            var reader = new Utf8JsonReader(message);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("A Vault event must be a JSON object with a 'data' object.");
            }

            var eventType = data.TryGetProperty("event_type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString()! : throw new FormatException("A Vault event has no 'data.event_type'.");
            DateTimeOffset? time = root.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
            if (!eventType.StartsWith("kv-v2/", StringComparison.Ordinal))
            {
                return new VaultKvEvent(eventType, eventType, null, null, time);
            }

            var operation = eventType["kv-v2/".Length..];
            var mount = data.TryGetProperty("plugin_info", out var plugin) && plugin.ValueKind == JsonValueKind.Object
                && plugin.TryGetProperty("mount_path", out var mountPath) && mountPath.ValueKind == JsonValueKind.String
                ? mountPath.GetString()!.Trim('/')
                : throw new FormatException("A kv-v2 event has no 'data.plugin_info.mount_path'.");
            if (!data.TryGetProperty("event", out var inner) || !inner.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("A kv-v2 event has no 'data.event.metadata'.");
            }

            if (Text(metadata, "modified") is "false")
            {
                return new VaultKvEvent(eventType, operation, null, null, time);
            }

            var path = Text(metadata, "path") ?? throw new FormatException("A kv-v2 event has no 'metadata.path'.");
            var secretPath = SecretPath(mount, path);
            var version = operation is "data-write" or "data-patch" ? Text(metadata, "current_version") : null;
            if (version is not null && !int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new FormatException("A kv-v2 event's 'current_version' is not a number.");
            }

            return new VaultKvEvent(eventType, operation, secretPath, version, time);
        }
        catch (JsonException ex)
        {
            throw new FormatException("A Vault event is not valid JSON.", ex);
        }
        catch (InvalidOperationException ex)
        {
            // A string that is not valid UTF-8 (found by the vault-event fuzz target).
            throw new FormatException("A Vault event holds text that is not valid UTF-8.", ex);
        }
    }

    private static string SecretPath(string mount, string path)
    {
        var relative = path.TrimStart('/');
        if (mount.Length > 0 && relative.StartsWith(mount + "/", StringComparison.Ordinal))
        {
            relative = relative[(mount.Length + 1)..];
        }

        foreach (var prefix in OperationPrefixes)
        {
            if (relative.StartsWith(prefix, StringComparison.Ordinal))
            {
                relative = relative[prefix.Length..];
                break;
            }
        }

        relative = relative.Trim('/');
        if (relative.Length == 0 || relative.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new FormatException("A kv-v2 event's path names no secret.");
        }

        return mount + "/" + relative;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

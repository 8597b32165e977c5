using System.Globalization;
using System.Text.Json;

namespace Secrets.Client.Vault;

/// <summary>
/// Reads Vault's KV v2 answers beyond the value itself: a secret's metadata (refusing destroyed and deleted versions on
/// the provider's clock) and a folder's keys. Values are read by <see cref="VaultJson"/>.
/// </summary>
internal sealed class VaultResponseReader(string provider, TimeProvider time)
{
    /// <summary>The keys of a <c>LIST</c> answer: names, and folders ending in <c>/</c>.</summary>
    public static List<string> ReadKeys(ReadOnlySpan<byte> body)
    {
        var keys = new List<string>();
        using var document = JsonDocument.Parse(body.ToArray());
        if (document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            && data.TryGetProperty("keys", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var key in array.EnumerateArray())
            {
                if (key.ValueKind == JsonValueKind.String && key.GetString() is { Length: > 0 } text)
                {
                    keys.Add(text);
                }
            }
        }

        return keys;
    }

    public SecretProperties ReadMetadata(VaultLocation location, ReadOnlySpan<byte> body, int? pinned)
    {
        using var document = JsonDocument.Parse(body.ToArray());
        var data = document.RootElement.GetProperty("data");
        var version = pinned ?? (data.TryGetProperty("current_version", out var current) && current.ValueKind == JsonValueKind.Number ? current.GetInt32() : 0);
        if (version == 0 || !data.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Object
            || !versions.TryGetProperty(version.ToString(CultureInfo.InvariantCulture), out var entry))
        {
            throw new SecretNotFoundException(provider, location.DisplayName, pinned is null ? "It has no versions." : $"It has no version {pinned}.") { ErrorCode = "NotFound" };
        }

        if (entry.TryGetProperty("destroyed", out var destroyed) && destroyed.ValueKind == JsonValueKind.True)
        {
            throw new SecretNotFoundException(provider, location.DisplayName, $"Version {version} was destroyed.") { ErrorCode = "SecretDestroyed" };
        }

        if (entry.TryGetProperty("deletion_time", out var deletion) && VaultJson.ParseTime(deletion.GetString()) is { } deleted && deleted <= time.GetUtcNow())
        {
            throw new SecretNotFoundException(provider, location.DisplayName, $"Version {version} was deleted at {deleted:O}.") { ErrorCode = "SecretDeleted" };
        }

        Dictionary<string, string>? custom = null;
        if (data.TryGetProperty("custom_metadata", out var customElement) && customElement.ValueKind == JsonValueKind.Object)
        {
            custom = customElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        }

        var created = entry.TryGetProperty("created_time", out var createdElement) ? VaultJson.ParseTime(createdElement.GetString()) : null;
        var updated = data.TryGetProperty("updated_time", out var updatedElement) ? VaultJson.ParseTime(updatedElement.GetString()) : null;
        return ToProperties(location, new VaultKvVersion { Version = version, CreatedOn = created, CustomMetadata = custom }, updated);
    }

    public SecretProperties ToProperties(VaultLocation location, VaultKvVersion version, DateTimeOffset? updatedOn) =>
        new(provider, location.DisplayName)
        {
            Version = version.Version.ToString(CultureInfo.InvariantCulture),
            CreatedOn = version.CreatedOn,
            UpdatedOn = updatedOn ?? version.CreatedOn,
            ContentType = "application/json",
            Tags = version.CustomMetadata ?? new Dictionary<string, string>(StringComparer.Ordinal),
        };
}

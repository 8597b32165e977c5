using System.Text.RegularExpressions;

namespace Secrets.Client.Testing;

/// <summary>The emulated vault's secrets: names are case-insensitive, versions kept in creation order, the newest is current.</summary>
internal sealed partial class KeyVaultState
{
    private readonly Dictionary<string, List<KeyVaultStoredVersion>> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (List<KeyVaultStoredVersion> Versions, DateTimeOffset DeletedOn)> _deleted = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _timeProvider;

    public KeyVaultState(TimeProvider timeProvider) => _timeProvider = timeProvider;

    public Lock Sync { get; } = new();

    /// <summary>Gets or sets what runs after a version is added (the Event Grid emitter). Runs under <see cref="Sync"/>.</summary>
    public Action<KeyVaultStoredVersion>? VersionAdded { get; set; }

    public DateTimeOffset Now => _timeProvider.GetUtcNow();

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>Adds a new current version. Caller holds <see cref="Sync"/>.</summary>
    public KeyVaultStoredVersion AddVersion(string name, string value, string? contentType, Dictionary<string, string>? tags, bool enabled, DateTimeOffset? notBefore, DateTimeOffset? expiresOn)
    {
        if (!_secrets.TryGetValue(name, out var versions))
        {
            versions = [];
            _secrets[name] = versions;
        }

        // Stamps are whole seconds on the wire; keep them so that what was stored is what is read back.
        var now = DateTimeOffset.FromUnixTimeSeconds(Now.ToUnixTimeSeconds());
        var version = new KeyVaultStoredVersion
        {
            Name = versions.Count > 0 ? versions[0].Name : name,
            Version = Guid.NewGuid().ToString("N"),
            Value = value,
            ContentType = contentType,
            Tags = tags,
            Enabled = enabled,
            NotBefore = notBefore,
            ExpiresOn = expiresOn,
            Created = now,
            Updated = now,
        };
        versions.Add(version);
        VersionAdded?.Invoke(version);
        return version;
    }

    public bool IsDeleted(string name) => _deleted.ContainsKey(name);

    public IReadOnlyList<KeyVaultStoredVersion>? GetVersions(string name) => _secrets.TryGetValue(name, out var versions) ? versions : null;

    public KeyVaultStoredVersion? Find(string name, string? version)
    {
        if (!_secrets.TryGetValue(name, out var versions) || versions.Count == 0)
        {
            return null;
        }

        return string.IsNullOrEmpty(version)
            ? versions[^1]
            : versions.Find(v => string.Equals(v.Version, version, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Current versions of every secret, ordered by name.</summary>
    public List<KeyVaultStoredVersion> ListCurrent() =>
        [.. _secrets.Values.Where(v => v.Count > 0).Select(v => v[^1]).OrderBy(v => v.Name, StringComparer.OrdinalIgnoreCase)];

    public KeyVaultStoredVersion? Delete(string name)
    {
        if (!_secrets.Remove(name, out var versions) || versions.Count == 0)
        {
            return null;
        }

        _deleted[name] = (versions, Now);
        return versions[^1];
    }

    public (KeyVaultStoredVersion Current, DateTimeOffset DeletedOn)? FindDeleted(string name) =>
        _deleted.TryGetValue(name, out var entry) ? (entry.Versions[^1], entry.DeletedOn) : null;

    /// <summary>Deleted secrets (their current version and deletion time), ordered by name.</summary>
    public List<(KeyVaultStoredVersion Current, DateTimeOffset DeletedOn)> ListDeleted() =>
        [.. _deleted.Values.Select(d => (d.Versions[^1], d.DeletedOn)).OrderBy(d => d.Item1.Name, StringComparer.OrdinalIgnoreCase)];

    /// <summary>Adds a restored secret's versions, oldest first. Caller holds <see cref="Sync"/> and checked the name is free.</summary>
    public void Restore(List<KeyVaultStoredVersion> versions) => _secrets[versions[0].Name] = versions;

    public bool Purge(string name) => _deleted.Remove(name);

    public bool Recover(string name)
    {
        if (!_deleted.Remove(name, out var entry))
        {
            return false;
        }

        _secrets[name] = entry.Versions;
        return true;
    }

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex NamePattern();
}

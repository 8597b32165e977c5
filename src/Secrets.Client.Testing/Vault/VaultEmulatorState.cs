using System.Security.Cryptography;

namespace Secrets.Client.Testing;

/// <summary>The emulated Vault's KV v2 mounts and tokens. Guarded by <see cref="Sync"/>.</summary>
internal sealed class VaultEmulatorState
{
    private readonly TimeProvider _time;

    public VaultEmulatorState(TimeProvider time, IEnumerable<string> mounts)
    {
        _time = time;
        foreach (var mount in mounts)
        {
            Mounts[mount.Trim('/')] = new Dictionary<string, VaultKvSecret>(StringComparer.Ordinal);
        }
    }

    public Lock Sync { get; } = new();

    public Dictionary<string, Dictionary<string, VaultKvSecret>> Mounts { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, VaultEmulatedToken> Tokens { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, VaultPolicy> Policies { get; } = new(StringComparer.Ordinal);

    public bool Sealed { get; set; }

    public DateTimeOffset Now => _time.GetUtcNow();

    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Gets the event bus KV changes publish to.</summary>
    public VaultEventBus? Events { get; set; }

    public VaultKvStoredVersion Write(string mount, string path, string dataJson, string operation = "data-write")
    {
        var secrets = Mounts[mount];
        var now = Now;
        if (!secrets.TryGetValue(path, out var secret))
        {
            secret = new VaultKvSecret { Created = now };
            secrets[path] = secret;
        }

        var version = new VaultKvStoredVersion { Version = secret.Versions.Count + 1, DataJson = dataJson, Created = now };
        secret.Versions.Add(version);
        secret.Updated = now;
        secret.Prune();
        Events?.PublishKv(operation, mount, "data/" + path, "data/" + path, secret.CurrentVersion, secret.OldestVersion);
        return version;
    }

    public VaultEmulatedToken Issue(string method, TimeSpan ttl, TimeSpan maxTtl, IReadOnlyList<string>? policies = null, string? displayName = null)
    {
        var now = Now;
        var token = new VaultEmulatedToken
        {
            Token = NewId("hvs."),
            Accessor = NewId(string.Empty),
            Method = method,
            IssuedAt = now,
            ExpiresAt = now + ttl,
            MaxExpiresAt = now + maxTtl,
            Renewable = true,
            Policies = policies,
            DisplayName = displayName,
        };
        Tokens[token.Token] = token;
        return token;
    }
}

/// <summary>One KV v2 secret: its versions (1-based) and metadata.</summary>
internal sealed class VaultKvSecret
{
    public List<VaultKvStoredVersion> Versions { get; } = [];

    public DateTimeOffset Created { get; init; }

    public DateTimeOffset Updated { get; set; }

    public Dictionary<string, string>? CustomMetadata { get; set; }

    /// <summary>Gets or sets how many versions are kept; 0 keeps them all (the emulator's mount has no limit).</summary>
    public int MaxVersions { get; set; }

    public bool CasRequired { get; set; }

    public string DeleteVersionAfter { get; set; } = "0s";

    /// <summary>Gets the oldest version still kept; older ones were pruned by <see cref="MaxVersions"/>.</summary>
    public int OldestVersion { get; private set; }

    public int CurrentVersion => Versions.Count;

    public IEnumerable<VaultKvStoredVersion> KeptVersions => Versions.Where(v => v.Version >= OldestVersion);

    public VaultKvStoredVersion? Find(int version) => version >= Math.Max(1, OldestVersion) && version <= Versions.Count ? Versions[version - 1] : null;

    /// <summary>Forgets the oldest versions beyond <see cref="MaxVersions"/>, as Vault's KV v2 does.</summary>
    public void Prune()
    {
        var keep = MaxVersions;
        if (keep > 0 && Versions.Count > keep)
        {
            OldestVersion = Versions.Count - keep + 1;
            foreach (var pruned in Versions.Take(OldestVersion - 1))
            {
                pruned.DataJson = "{}";
                pruned.Destroyed = true;
            }
        }
    }
}

/// <summary>One version of a KV v2 secret.</summary>
internal sealed class VaultKvStoredVersion
{
    public int Version { get; init; }

    public string DataJson { get; set; } = "{}";

    public DateTimeOffset Created { get; init; }

    public DateTimeOffset? Deleted { get; set; }

    public bool Destroyed { get; set; }
}

/// <summary>A token the emulator issued: the root token (never expires) or a login token with a lease.</summary>
internal sealed class VaultEmulatedToken
{
    public required string Token { get; init; }

    public required string Accessor { get; init; }

    public required string Method { get; init; }

    public DateTimeOffset IssuedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? MaxExpiresAt { get; init; }

    public bool Renewable { get; init; }

    /// <summary>Gets the ACL policies; <see langword="null"/> for tokens that may use every path (root, and logins by default).</summary>
    public IReadOnlyList<string>? Policies { get; init; }

    public string? DisplayName { get; init; }

    public bool Revoked { get; set; }
}

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

    public bool Sealed { get; set; }

    public DateTimeOffset Now => _time.GetUtcNow();

    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public VaultKvStoredVersion Write(string mount, string path, string dataJson)
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
        return version;
    }

    public VaultEmulatedToken Issue(string method, TimeSpan ttl, TimeSpan maxTtl)
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

    public int CurrentVersion => Versions.Count;

    public VaultKvStoredVersion? Find(int version) => version >= 1 && version <= Versions.Count ? Versions[version - 1] : null;
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

    public bool Revoked { get; set; }
}

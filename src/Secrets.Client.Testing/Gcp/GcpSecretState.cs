using System.Text.RegularExpressions;

namespace Secrets.Client.Testing;

/// <summary>The emulator's secrets, keyed by <c>projects/{project}/secrets/{secret}</c>. Guarded by <see cref="Sync"/>.</summary>
internal sealed partial class GcpSecretState
{
    private readonly TimeProvider _time;

    public GcpSecretState(TimeProvider time) => _time = time;

    public object Sync { get; } = new();

    /// <summary>Gets or sets where changes are announced (Pub/Sub notifications); null announces nothing.</summary>
    public GcpSecretNotifier? Notifier { get; set; }

    public SortedDictionary<string, GcpStoredSecret> Secrets { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset Now => _time.GetUtcNow();

    public static bool IsValidSecretId(string id) => SecretIdPattern().IsMatch(id);

    public static bool IsValidProject(string project) => ProjectPattern().IsMatch(project);

    public static bool IsValidLabelKey(string key) => LabelKeyPattern().IsMatch(key);

    public static string Key(string project, string secret) => $"projects/{project}/secrets/{secret}";

    public GcpStoredSecret Create(string project, string secret, IReadOnlyDictionary<string, string>? labels)
    {
        var stored = new GcpStoredSecret(Key(project, secret), Now, labels is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(labels, StringComparer.Ordinal));
        Secrets.Add(stored.Name, stored);
        return stored;
    }

    public GcpStoredVersion AddVersion(GcpStoredSecret secret, byte[] data)
    {
        var version = new GcpStoredVersion(secret.Versions.Count + 1, data, Now);
        secret.Versions.Add(version);
        return version;
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex SecretIdPattern();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex LabelKeyPattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9.:-]{0,99}$")]
    private static partial Regex ProjectPattern();
}

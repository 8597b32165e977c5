using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Secrets.Client.Cli;

/// <summary>
/// Vault's file audit device log: JSON lines, a <c>request</c> and a <c>response</c> entry per call, with tokens and
/// string values HMAC'd (<c>hmac-sha256:...</c>). Reads are the <c>response</c> entries of <c>read</c> operations on
/// <c>{mount}/data/{name}</c>; the principal is <c>auth.display_name</c> (or the entity), the host
/// <c>request.remote_address</c>. A version recorded as an HMAC is matched by hashing the known versions with the
/// device's own key through <c>sys/audit-hash/{device}</c>.
/// </summary>
internal sealed class VaultFileAuditSource : IAuditSource
{
    private const string HmacPrefix = "hmac-sha256:";
    private readonly string _path;
    private readonly string _mount;
    private readonly Func<string, CancellationToken, Task<string?>>? _hash;

    public VaultFileAuditSource(string path, string mount, Func<string, CancellationToken, Task<string?>>? hash)
    {
        _path = path;
        _mount = mount.Trim('/');
        _hash = hash;
    }

    public string Name => "vault-file-audit";

    /// <summary>A hasher over <c>POST /v1/sys/audit-hash/{device}</c>.</summary>
    public static Func<string, CancellationToken, Task<string?>> AuditHash(HttpClient client, Uri vault, string device, string token) => async (input, cancellationToken) =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(vault, $"v1/sys/audit-hash/{device.Trim('/')}"))
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["input"] = input }),
        };
        request.Headers.TryAddWithoutValidation("X-Vault-Token", token);
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var root = document.RootElement;
        var data = root.TryGetProperty("data", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : root;
        return data.TryGetProperty("hash", out var hash) ? hash.GetString() : null;
    };

    public async Task<IReadOnlyList<AuditRead>> ReadAsync(LeakTarget target, CancellationToken cancellationToken)
    {
        // A reference names the mount first (vault://secret/app/db); the log records {mount}/data/{path}.
        var name = target.SecretName.Trim('/');
        name = name.StartsWith(_mount + "/", StringComparison.Ordinal) ? name[(_mount.Length + 1)..] : name;
        var path = $"{_mount}/data/{name}";
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_hash is not null)
        {
            foreach (var version in target.KnownVersions)
            {
                if (await _hash(version, cancellationToken).ConfigureAwait(false) is { } hash)
                {
                    hashes[hash] = version;
                }
            }
        }

        var reads = new List<AuditRead>();
        foreach (var line in File.ReadLines(_path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var entry = document.RootElement;
            if (Text(entry, "type") != "response"
                || !entry.TryGetProperty("request", out var request)
                || Text(request, "operation") != "read"
                || !string.Equals(Text(request, "path"), path, StringComparison.Ordinal)
                || !DateTimeOffset.TryParse(Text(entry, "time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                || !target.InWindow(time)
                || entry.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString()!.Length > 0)
            {
                continue;
            }

            var principal = entry.TryGetProperty("auth", out var auth) ? Text(auth, "display_name") ?? Text(auth, "entity_id") : null;
            reads.Add(new AuditRead(Name, time, principal, Text(request, "remote_address"), VersionOf(entry, request, hashes), "read"));
        }

        return reads;
    }

    /// <summary>
    /// The version asked for (<c>request.data.version</c>, HMAC'd: matched against the known versions' hashes), else the
    /// version Vault answered with (<c>response.data.metadata.version</c>, a number Vault leaves plain).
    /// </summary>
    private static string? VersionOf(JsonElement entry, JsonElement request, Dictionary<string, string> hashes)
    {
        if (request.TryGetProperty("data", out var requestData) && requestData.ValueKind == JsonValueKind.Object
            && requestData.TryGetProperty("version", out var asked) && asked.ValueKind == JsonValueKind.String
            && asked.GetString() is { } hashed && hashes.TryGetValue(hashed, out var known))
        {
            return known;
        }

        if (entry.TryGetProperty("response", out var response) && response.TryGetProperty("data", out var data)
            && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("metadata", out var metadata)
            && metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("version", out var version))
        {
            return version.ValueKind == JsonValueKind.Number ? version.GetRawText()
                : version.GetString() is { } text && !text.StartsWith(HmacPrefix, StringComparison.Ordinal) ? text : hashes.GetValueOrDefault(version.GetString() ?? string.Empty);
        }

        return null;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Secrets.Client.Testing;

/// <summary>
/// KV v2 routes: <c>data</c> (read, write with <c>cas</c>, JSON merge <c>PATCH</c>, delete), <c>delete</c>,
/// <c>undelete</c>, <c>destroy</c>, and <c>metadata</c> (read, write settings and custom metadata, list, delete).
/// </summary>
internal sealed partial class VaultProtocol
{
    private async Task RouteKvAsync(EmulatorCall call, string path, string method, bool isList)
    {
        var parts = path.Split('/', 3);
        Dictionary<string, VaultKvSecret>? secrets;
        lock (_state.Sync)
        {
            _state.Mounts.TryGetValue(parts[0], out secrets);
        }

        if (secrets is null || parts.Length < 2 || parts[1].Length == 0)
        {
            throw Error(404, $"no handler for route \"{path}\". route entry not found.");
        }

        var (mount, kind, secretPath) = (parts[0], parts[1], parts.Length == 3 ? Uri.UnescapeDataString(parts[2]) : string.Empty);
        Task answer = (kind, method) switch
        {
            ("metadata", _) when isList => ListAsync(call, secrets, secretPath),
            ("data", "GET") => ReadAsync(call, secrets, secretPath),
            ("data", "POST" or "PUT") => WriteAsync(call, mount, secrets, secretPath, patch: false),
            ("data", "PATCH") => WriteAsync(call, mount, secrets, secretPath, patch: true),
            ("data", "DELETE") => ChangeVersionsAsync(call, mount, "data-delete", secrets, secretPath, latestOnly: true, (v, now) => v.Deleted ??= now),
            ("delete", "POST" or "PUT") => ChangeVersionsAsync(call, mount, "delete", secrets, secretPath, latestOnly: false, (v, now) => v.Deleted ??= now),
            ("undelete", "POST" or "PUT") => ChangeVersionsAsync(call, mount, "undelete", secrets, secretPath, latestOnly: false, (v, _) => v.Deleted = v.Destroyed ? v.Deleted : null),
            ("destroy", "POST" or "PUT") => ChangeVersionsAsync(call, mount, "destroy", secrets, secretPath, latestOnly: false, (v, _) => v.Destroyed = true),
            ("metadata", "GET") => MetadataAsync(call, secrets, secretPath),
            ("metadata", "POST" or "PUT") => WriteMetadataAsync(call, mount, secrets, secretPath),
            ("metadata", "DELETE") => DeleteMetadataAsync(call, mount, secrets, secretPath),
            _ => throw Error(405, "unsupported operation"),
        };
        await answer.ConfigureAwait(false);
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static bool IsUsable(VaultKvStoredVersion version, DateTimeOffset now) => !version.Destroyed && (version.Deleted is null || version.Deleted > now);

    private async Task ReadAsync(EmulatorCall call, Dictionary<string, VaultKvSecret> secrets, string path)
    {
        var versionText = call.Query("version");
        var requested = 0;
        if (versionText.Length > 0 && !int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out requested))
        {
            throw Error(400, "error parsing version parameter");
        }

        int status;
        byte[] body;
        lock (_state.Sync)
        {
            var secret = secrets.GetValueOrDefault(path);
            var version = secret?.Find(requested == 0 ? secret.CurrentVersion : requested);
            if (secret is null || version is null)
            {
                throw Error(404, string.Empty);
            }

            var usable = IsUsable(version, _state.Now);
            status = usable ? 200 : 404;
            if (usable)
            {
                Traffic.CountOperation(HashiCorpVaultEmulatorCounters.ValueReadOperation);
            }

            body = EmulatorJson.WriteObject(w =>
            {
                w.WriteString("request_id", Guid.NewGuid().ToString());
                w.WriteString("lease_id", string.Empty);
                w.WriteBoolean("renewable", false);
                w.WriteNumber("lease_duration", 0);
                w.WriteStartObject("data");
                w.WritePropertyName("data");
                if (usable)
                {
                    w.WriteRawValue(version.DataJson);
                }
                else
                {
                    w.WriteNullValue();
                }

                w.WritePropertyName("metadata");
                WriteVersion(w, secret, version, includeNumber: true);
                w.WriteEndObject();
                w.WriteNull("wrap_info");
                w.WriteNull("warnings");
                w.WriteNull("auth");
            });
        }

        await call.SendAsync(status, body).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a new version: the body's <c>data</c> as is, or (for <c>PATCH</c>, which must be
    /// <c>application/merge-patch+json</c>) merged into the current version as RFC 7386 says (null removes a key).
    /// </summary>
    private async Task WriteAsync(EmulatorCall call, string mount, Dictionary<string, VaultKvSecret> secrets, string path, bool patch)
    {
        if (path.Length == 0 || path.EndsWith('/'))
        {
            throw Error(400, "invalid path");
        }

        if (patch && !(call.Request.ContentType ?? string.Empty).StartsWith("application/merge-patch+json", StringComparison.OrdinalIgnoreCase))
        {
            throw Error(415, "PATCH requests must use the application/merge-patch+json content type");
        }

        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        if (body is null || !body.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw Error(400, "no data provided");
        }

        int? cas = body.RootElement.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("cas", out var casElement) && casElement.ValueKind == JsonValueKind.Number ? casElement.GetInt32() : null;
        byte[] answer;
        lock (_state.Sync)
        {
            var existing = secrets.GetValueOrDefault(path);
            var current = existing?.CurrentVersion ?? 0;
            if (existing?.CasRequired == true && cas is null)
            {
                throw Error(400, "check-and-set parameter required for this call");
            }

            if (cas is { } expected && expected != current)
            {
                throw Error(400, "check-and-set parameter did not match the current version");
            }

            var json = data.GetRawText();
            if (patch)
            {
                var latest = existing?.Find(current);
                if (latest is null || !IsUsable(latest, _state.Now))
                {
                    throw Error(404, string.Empty);
                }

                json = MergePatch(JsonNode.Parse(latest.DataJson), JsonNode.Parse(json))!.ToJsonString();
            }

            var version = _state.Write(mount, path, json, patch ? "data-patch" : "data-write");
            var secret = secrets[path];
            answer = EmulatorJson.WriteObject(w =>
            {
                w.WritePropertyName("data");
                WriteVersion(w, secret, version, includeNumber: true);
            });
        }

        Traffic.CountOperation(HashiCorpVaultEmulatorCounters.WriteOperation);
        await call.SendAsync(200, answer).ConfigureAwait(false);
    }

    /// <summary>RFC 7386 JSON merge patch.</summary>
    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = MergePatch(result[key]?.DeepClone(), value);
                result[key] = merged;
            }
        }

        return result;
    }

    private async Task ChangeVersionsAsync(EmulatorCall call, string mount, string operation, Dictionary<string, VaultKvSecret> secrets, string path, bool latestOnly, Action<VaultKvStoredVersion, DateTimeOffset> change)
    {
        var versions = new List<int>();
        if (!latestOnly)
        {
            using var body = await call.ReadJsonAsync().ConfigureAwait(false);
            if (body is null || !body.RootElement.TryGetProperty("versions", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
            {
                throw Error(400, "no version number provided");
            }

            versions.AddRange(array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number).Select(e => e.GetInt32()));
        }

        lock (_state.Sync)
        {
            if (secrets.GetValueOrDefault(path) is { } secret)
            {
                var now = _state.Now;
                foreach (var number in latestOnly ? [secret.CurrentVersion] : versions)
                {
                    if (secret.Find(number) is { } version)
                    {
                        change(version, now);
                    }
                }

                secret.Updated = now;
                _state.Events?.PublishKv(operation, mount, (operation == "data-delete" ? "data/" : operation + "/") + path, null, secret.CurrentVersion, secret.OldestVersion);
            }
        }

        await call.EmptyAsync(204).ConfigureAwait(false);
    }

    private async Task MetadataAsync(EmulatorCall call, Dictionary<string, VaultKvSecret> secrets, string path)
    {
        byte[] body;
        lock (_state.Sync)
        {
            var secret = secrets.GetValueOrDefault(path) ?? throw Error(404, string.Empty);
            Traffic.CountOperation(HashiCorpVaultEmulatorCounters.MetadataReadOperation);
            body = EmulatorJson.WriteObject(w =>
            {
                w.WriteStartObject("data");
                w.WriteBoolean("cas_required", secret.CasRequired);
                w.WriteString("created_time", Format(secret.Created));
                w.WriteNumber("current_version", secret.CurrentVersion);
                WriteCustomMetadata(w, secret);
                w.WriteString("delete_version_after", secret.DeleteVersionAfter);
                w.WriteNumber("max_versions", secret.MaxVersions);
                w.WriteNumber("oldest_version", secret.OldestVersion);
                w.WriteString("updated_time", Format(secret.Updated));
                w.WriteStartObject("versions");
                foreach (var version in secret.KeptVersions)
                {
                    w.WritePropertyName(version.Version.ToString(CultureInfo.InvariantCulture));
                    WriteVersion(w, secret, version, includeNumber: false);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            });
        }

        await call.SendAsync(200, body).ConfigureAwait(false);
    }

    /// <summary><c>POST metadata/path</c>: sets max_versions, cas_required, delete_version_after and custom_metadata, creating the secret's metadata if needed.</summary>
    private async Task WriteMetadataAsync(EmulatorCall call, string mount, Dictionary<string, VaultKvSecret> secrets, string path)
    {
        if (path.Length == 0 || path.EndsWith('/'))
        {
            throw Error(400, "invalid path");
        }

        using var body = await call.ReadObjectAsync(() => Error(400, "failed to parse JSON input")).ConfigureAwait(false);
        var root = body.RootElement;
        int? maxVersions = root.TryGetProperty("max_versions", out var max) ? (max.TryGetInt32(out var m) && m >= 0 ? m : throw Error(400, "max_versions must be a non-negative number")) : null;
        bool? casRequired = root.TryGetProperty("cas_required", out var casFlag) ? casFlag.ValueKind == JsonValueKind.True : null;
        var deleteAfter = EmulatorJson.OptionalString(root, "delete_version_after");
        var customMetadata = EmulatorJson.ReadStringMap(root, "custom_metadata");
        lock (_state.Sync)
        {
            var now = _state.Now;
            if (!secrets.TryGetValue(path, out var secret))
            {
                secrets[path] = secret = new VaultKvSecret { Created = now };
            }

            secret.MaxVersions = maxVersions ?? secret.MaxVersions;
            secret.CasRequired = casRequired ?? secret.CasRequired;
            secret.DeleteVersionAfter = deleteAfter ?? secret.DeleteVersionAfter;
            secret.CustomMetadata = customMetadata ?? secret.CustomMetadata;
            secret.Updated = now;
            secret.Prune();
            _state.Events?.PublishKv("metadata-write", mount, "metadata/" + path, "metadata/" + path, null, null);
        }

        await call.EmptyAsync(204).ConfigureAwait(false);
    }

    private async Task DeleteMetadataAsync(EmulatorCall call, string mount, Dictionary<string, VaultKvSecret> secrets, string path)
    {
        lock (_state.Sync)
        {
            if (secrets.Remove(path))
            {
                _state.Events?.PublishKv("metadata-delete", mount, "metadata/" + path, null, null, null);
            }
        }

        await call.EmptyAsync(204).ConfigureAwait(false);
    }

    private async Task ListAsync(EmulatorCall call, Dictionary<string, VaultKvSecret> secrets, string folder)
    {
        if (folder.Length > 0 && !folder.EndsWith('/'))
        {
            folder += "/";
        }

        List<string> keys;
        lock (_state.Sync)
        {
            keys = secrets.Keys
                .Where(k => k.StartsWith(folder, StringComparison.Ordinal))
                .Select(k => k[folder.Length..])
                .Select(r => r.Contains('/', StringComparison.Ordinal) ? r[..(r.IndexOf('/', StringComparison.Ordinal) + 1)] : r)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
        }

        if (keys.Count == 0)
        {
            throw Error(404, string.Empty);
        }

        await call.ObjectAsync(200, w =>
        {
            w.WriteStartObject("data");
            EmulatorJson.WriteStringArray(w, "keys", keys);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteVersion(Utf8JsonWriter w, VaultKvSecret secret, VaultKvStoredVersion version, bool includeNumber)
    {
        w.WriteStartObject();
        w.WriteString("created_time", Format(version.Created));
        if (includeNumber)
        {
            WriteCustomMetadata(w, secret);
        }

        w.WriteString("deletion_time", version.Deleted is { } deleted ? Format(deleted) : string.Empty);
        w.WriteBoolean("destroyed", version.Destroyed);
        if (includeNumber)
        {
            w.WriteNumber("version", version.Version);
        }

        w.WriteEndObject();
    }

    private static void WriteCustomMetadata(Utf8JsonWriter w, VaultKvSecret secret)
    {
        if (secret.CustomMetadata is null)
        {
            w.WriteNull("custom_metadata");
            return;
        }

        EmulatorJson.WriteStringMap(w, "custom_metadata", secret.CustomMetadata);
    }
}

using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers Vault's HTTP API for KV v2 mounts, Kubernetes and AppRole login and token renewal the way Vault does:
/// <c>X-Vault-Token</c>, <c>{"errors": [...]}</c> bodies, 404 with metadata for deleted versions, <c>LIST</c> (or
/// <c>GET ?list=true</c>), 503 when sealed.
/// </summary>
internal sealed class VaultRequestHandler
{
    private readonly VaultEmulatorState _state;
    private readonly HashiCorpVaultEmulatorOptions _options;
    private readonly EmulatorFaults _faults;
    private readonly HashiCorpVaultEmulatorCounters _counters;
    private readonly string _rootToken;
    private readonly string _kubernetesJwt;
    private readonly string _roleId;
    private readonly string _secretId;

    public VaultRequestHandler(VaultEmulatorState state, HashiCorpVaultEmulatorOptions options, EmulatorFaults faults, HashiCorpVaultEmulatorCounters counters, string rootToken, string kubernetesJwt, string roleId, string secretId)
    {
        _state = state;
        _options = options;
        _faults = faults;
        _counters = counters;
        _rootToken = rootToken;
        _kubernetesJwt = kubernetesJwt;
        _roleId = roleId;
        _secretId = secretId;
    }

    public async Task HandleAsync(HttpContext context)
    {
        await _faults.DelayAsync(cancellationToken: context.RequestAborted).ConfigureAwait(false);

        _counters.CountRequest();
        var request = context.Request;
        if (request.Headers.TryGetValue("X-Vault-Namespace", out var ns) && ns.ToString().Length > 0)
        {
            _counters.SeeNamespace(ns.ToString());
        }

        var path = (request.Path.Value ?? "/").TrimStart('/');
        if (!path.StartsWith("v1/", StringComparison.Ordinal))
        {
            await ErrorAsync(context, 404, "no handler for route").ConfigureAwait(false);
            return;
        }

        path = path[3..];
        bool sealedNow;
        lock (_state.Sync)
        {
            sealedNow = _state.Sealed;
        }

        if (path == "sys/health")
        {
            await JsonAsync(context, sealedNow ? 503 : 200, w =>
            {
                w.WriteBoolean("initialized", true);
                w.WriteBoolean("sealed", sealedNow);
                w.WriteBoolean("standby", false);
                w.WriteString("version", "1.17.0-emulator");
            }).ConfigureAwait(false);
            return;
        }

        if (sealedNow)
        {
            await ErrorAsync(context, 503, "Vault is sealed").ConfigureAwait(false);
            return;
        }

        switch (_faults.Next())
        {
            case EmulatorFault.DropConnection:
                context.Abort();
                return;
            case EmulatorFault.Throttle:
                if (_faults.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await ErrorAsync(context, 429, $"request path \"{path}\": rate limit quota exceeded").ConfigureAwait(false);
                return;
            case EmulatorFault.ServerError:
                await ErrorAsync(context, 500, "internal error").ConfigureAwait(false);
                return;
        }

        var method = request.Method.ToUpperInvariant();
        var isList = method == "LIST" || (method == "GET" && request.Query["list"].ToString() is "true" or "1");
        var segments = path.Split('/');
        if (segments.Length == 3 && segments[0] == "auth" && segments[2] == "login" && method is "POST" or "PUT")
        {
            await LoginAsync(context, segments[1]).ConfigureAwait(false);
            return;
        }

        var token = Authenticate(request);
        if (token is null)
        {
            _counters.CountPermissionDenied();
            await ErrorAsync(context, 403, "permission denied").ConfigureAwait(false);
            return;
        }

        if (token.Method != "root" && _options.DeniedPaths.Any(denied => path.StartsWith(denied, StringComparison.Ordinal)))
        {
            _counters.CountPermissionDenied();
            await ErrorAsync(context, 403, "permission denied").ConfigureAwait(false);
            return;
        }

        switch (path, method)
        {
            case ("auth/token/renew-self", "POST" or "PUT"):
                await RenewAsync(context, token).ConfigureAwait(false);
                return;
            case ("auth/token/lookup-self", "GET"):
                await LookupAsync(context, token).ConfigureAwait(false);
                return;
            case ("auth/token/revoke-self", "POST" or "PUT"):
                lock (_state.Sync)
                {
                    token.Revoked = true;
                }

                context.Response.StatusCode = 204;
                return;
        }

        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var mount = slash < 0 ? path : path[..slash];
        Dictionary<string, VaultKvSecret>? secrets;
        lock (_state.Sync)
        {
            _state.Mounts.TryGetValue(mount, out secrets);
        }

        var rest = slash < 0 ? string.Empty : path[(slash + 1)..];
        var kindEnd = rest.IndexOf('/', StringComparison.Ordinal);
        var kind = kindEnd < 0 ? rest : rest[..kindEnd];
        var secretPath = kindEnd < 0 ? string.Empty : Uri.UnescapeDataString(rest[(kindEnd + 1)..]);
        if (secrets is null || kind.Length == 0)
        {
            await ErrorAsync(context, 404, $"no handler for route \"{path}\". route entry not found.").ConfigureAwait(false);
            return;
        }

        switch (kind, method)
        {
            case ("metadata", _) when isList:
                await ListAsync(context, secrets, secretPath).ConfigureAwait(false);
                return;
            case ("data", "GET"):
                await ReadAsync(context, secrets, secretPath).ConfigureAwait(false);
                return;
            case ("data", "POST" or "PUT"):
                await WriteAsync(context, mount, secrets, secretPath).ConfigureAwait(false);
                return;
            case ("data", "DELETE"):
                await ChangeVersionsAsync(context, secrets, secretPath, latestOnly: true, (v, now) => v.Deleted ??= now).ConfigureAwait(false);
                return;
            case ("delete", "POST" or "PUT"):
                await ChangeVersionsAsync(context, secrets, secretPath, latestOnly: false, (v, now) => v.Deleted ??= now).ConfigureAwait(false);
                return;
            case ("undelete", "POST" or "PUT"):
                await ChangeVersionsAsync(context, secrets, secretPath, latestOnly: false, (v, _) => v.Deleted = v.Destroyed ? v.Deleted : null).ConfigureAwait(false);
                return;
            case ("destroy", "POST" or "PUT"):
                await ChangeVersionsAsync(context, secrets, secretPath, latestOnly: false, (v, _) => v.Destroyed = true).ConfigureAwait(false);
                return;
            case ("metadata", "GET"):
                await MetadataAsync(context, secrets, secretPath).ConfigureAwait(false);
                return;
            case ("metadata", "DELETE"):
                lock (_state.Sync)
                {
                    secrets.Remove(secretPath);
                }

                context.Response.StatusCode = 204;
                return;
            default:
                await ErrorAsync(context, 405, "unsupported operation").ConfigureAwait(false);
                return;
        }
    }

    private VaultEmulatedToken? Authenticate(HttpRequest request)
    {
        var presented = request.Headers["X-Vault-Token"].ToString();
        if (presented.Length == 0 && request.Headers.Authorization.ToString() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }

        if (presented.Length == 0)
        {
            return null;
        }

        lock (_state.Sync)
        {
            if (!_state.Tokens.TryGetValue(presented, out var token) || token.Revoked)
            {
                return null;
            }

            return token.ExpiresAt is { } expires && _state.Now >= expires ? null : token;
        }
    }

    private async Task LoginAsync(HttpContext context, string mount)
    {
        using var body = await ReadJsonAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await ErrorAsync(context, 400, "failed to parse JSON input").ConfigureAwait(false);
            return;
        }

        string? Field(string name) =>
            body.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        string method;
        if (string.Equals(mount, _options.KubernetesAuthMount, StringComparison.Ordinal))
        {
            method = "kubernetes";
            var role = Field("role");
            if (string.IsNullOrEmpty(role) || string.IsNullOrEmpty(Field("jwt")))
            {
                await ErrorAsync(context, 400, "missing role or jwt").ConfigureAwait(false);
                return;
            }

            if (!string.Equals(role, _options.KubernetesRole, StringComparison.Ordinal))
            {
                await ErrorAsync(context, 400, $"invalid role name \"{role}\"").ConfigureAwait(false);
                return;
            }

            if (!string.Equals(Field("jwt"), _kubernetesJwt, StringComparison.Ordinal))
            {
                _counters.CountPermissionDenied();
                await ErrorAsync(context, 403, "permission denied").ConfigureAwait(false);
                return;
            }
        }
        else if (string.Equals(mount, _options.AppRoleAuthMount, StringComparison.Ordinal))
        {
            method = "approle";
            if (string.IsNullOrEmpty(Field("role_id")))
            {
                await ErrorAsync(context, 400, "missing role_id").ConfigureAwait(false);
                return;
            }

            if (!string.Equals(Field("role_id"), _roleId, StringComparison.Ordinal) || !string.Equals(Field("secret_id"), _secretId, StringComparison.Ordinal))
            {
                await ErrorAsync(context, 400, "invalid role or secret ID").ConfigureAwait(false);
                return;
            }
        }
        else
        {
            await ErrorAsync(context, 404, $"no handler for route \"auth/{mount}/login\". route entry not found.").ConfigureAwait(false);
            return;
        }

        VaultEmulatedToken token;
        lock (_state.Sync)
        {
            token = _state.Issue(method, _options.TokenTtl, _options.TokenMaxTtl);
        }

        _counters.CountLogin();
        await AuthAsync(context, token).ConfigureAwait(false);
    }

    private async Task RenewAsync(HttpContext context, VaultEmulatedToken token)
    {
        lock (_state.Sync)
        {
            if (!token.Renewable || token.ExpiresAt is null)
            {
                // Vault refuses to renew a token without a lease, such as the root token.
                token = null!;
            }
            else
            {
                var now = _state.Now;
                var extended = now + _options.TokenTtl;
                token.IssuedAt = now;
                token.ExpiresAt = token.MaxExpiresAt is { } max && extended > max ? max : extended;
            }
        }

        if (token is null)
        {
            await ErrorAsync(context, 400, "lease is not renewable").ConfigureAwait(false);
            return;
        }

        _counters.CountRenewal();
        await AuthAsync(context, token).ConfigureAwait(false);
    }

    private async Task LookupAsync(HttpContext context, VaultEmulatedToken token)
    {
        long ttl;
        lock (_state.Sync)
        {
            ttl = token.ExpiresAt is { } expires ? (long)(expires - _state.Now).TotalSeconds : 0;
        }

        await JsonAsync(context, 200, w =>
        {
            w.WriteStartObject("data");
            w.WriteString("accessor", token.Accessor);
            w.WriteNumber("ttl", ttl);
            w.WriteBoolean("renewable", token.Renewable && token.ExpiresAt is not null);
            w.WriteString("path", token.Method == "root" ? "auth/token/root" : $"auth/{token.Method}/login");
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task AuthAsync(HttpContext context, VaultEmulatedToken token)
    {
        long lease;
        lock (_state.Sync)
        {
            lease = token.ExpiresAt is { } expires ? (long)Math.Max(0, (expires - _state.Now).TotalSeconds) : 0;
        }

        await JsonAsync(context, 200, w =>
        {
            w.WriteString("request_id", Guid.NewGuid().ToString());
            w.WriteString("lease_id", string.Empty);
            w.WriteBoolean("renewable", false);
            w.WriteNumber("lease_duration", 0);
            w.WriteNull("data");
            w.WriteStartObject("auth");
            w.WriteString("client_token", token.Token);
            w.WriteString("accessor", token.Accessor);
            w.WriteStartArray("policies");
            w.WriteStringValue("default");
            w.WriteEndArray();
            w.WriteStartArray("token_policies");
            w.WriteStringValue("default");
            w.WriteEndArray();
            w.WriteNumber("lease_duration", lease);
            w.WriteBoolean("renewable", token.Renewable);
            w.WriteString("entity_id", string.Empty);
            w.WriteString("token_type", "service");
            w.WriteBoolean("orphan", true);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task ReadAsync(HttpContext context, Dictionary<string, VaultKvSecret> secrets, string path)
    {
        var versionText = context.Request.Query["version"].ToString();
        var requested = 0;
        if (versionText.Length > 0 && !int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out requested))
        {
            await ErrorAsync(context, 400, "error parsing version parameter").ConfigureAwait(false);
            return;
        }

        int status;
        byte[] body;
        lock (_state.Sync)
        {
            var secret = secrets.GetValueOrDefault(path);
            var version = secret?.Find(requested == 0 ? secret.CurrentVersion : requested);
            if (secret is null || version is null)
            {
                (status, body) = (404, ErrorBody(null));
            }
            else
            {
                var usable = !version.Destroyed && (version.Deleted is null || version.Deleted > _state.Now);
                status = usable ? 200 : 404;
                if (usable)
                {
                    _counters.CountValueRead();
                }

                body = Write(w =>
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
        }

        await SendAsync(context, status, body).ConfigureAwait(false);
    }

    private async Task WriteAsync(HttpContext context, string mount, Dictionary<string, VaultKvSecret> secrets, string path)
    {
        if (path.Length == 0 || path.EndsWith('/'))
        {
            await ErrorAsync(context, 400, "invalid path").ConfigureAwait(false);
            return;
        }

        using var body = await ReadJsonAsync(context).ConfigureAwait(false);
        if (body is null || !body.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            await ErrorAsync(context, 400, "no data provided").ConfigureAwait(false);
            return;
        }

        int? cas = body.RootElement.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("cas", out var casElement) && casElement.ValueKind == JsonValueKind.Number ? casElement.GetInt32() : null;
        byte[] answer;
        lock (_state.Sync)
        {
            var current = secrets.GetValueOrDefault(path)?.CurrentVersion ?? 0;
            if (cas is { } expected && expected != current)
            {
                answer = [];
            }
            else
            {
                var version = _state.Write(mount, path, data.GetRawText());
                var secret = secrets[path];
                answer = Write(w =>
                {
                    w.WritePropertyName("data");
                    WriteVersion(w, secret, version, includeNumber: true);
                });
            }
        }

        if (answer.Length == 0)
        {
            await ErrorAsync(context, 400, "check-and-set parameter did not match the current version").ConfigureAwait(false);
            return;
        }

        _counters.CountWrite();
        await SendAsync(context, 200, answer).ConfigureAwait(false);
    }

    private async Task ChangeVersionsAsync(HttpContext context, Dictionary<string, VaultKvSecret> secrets, string path, bool latestOnly, Action<VaultKvStoredVersion, DateTimeOffset> change)
    {
        var versions = new List<int>();
        if (!latestOnly)
        {
            using var body = await ReadJsonAsync(context).ConfigureAwait(false);
            if (body is null || !body.RootElement.TryGetProperty("versions", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
            {
                await ErrorAsync(context, 400, "no version number provided").ConfigureAwait(false);
                return;
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
            }
        }

        context.Response.StatusCode = 204;
    }

    private async Task MetadataAsync(HttpContext context, Dictionary<string, VaultKvSecret> secrets, string path)
    {
        int status;
        byte[] body;
        lock (_state.Sync)
        {
            if (secrets.GetValueOrDefault(path) is not { } secret)
            {
                (status, body) = (404, ErrorBody(null));
            }
            else
            {
                _counters.CountMetadataRead();
                status = 200;
                body = Write(w =>
                {
                    w.WriteStartObject("data");
                    w.WriteBoolean("cas_required", false);
                    w.WriteString("created_time", Format(secret.Created));
                    w.WriteNumber("current_version", secret.CurrentVersion);
                    WriteCustomMetadata(w, secret);
                    w.WriteString("delete_version_after", "0s");
                    w.WriteNumber("max_versions", 0);
                    w.WriteNumber("oldest_version", 0);
                    w.WriteString("updated_time", Format(secret.Updated));
                    w.WriteStartObject("versions");
                    foreach (var version in secret.Versions)
                    {
                        w.WritePropertyName(version.Version.ToString(CultureInfo.InvariantCulture));
                        WriteVersion(w, secret, version, includeNumber: false);
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                });
            }
        }

        await SendAsync(context, status, body).ConfigureAwait(false);
    }

    private async Task ListAsync(HttpContext context, Dictionary<string, VaultKvSecret> secrets, string folder)
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
            await SendAsync(context, 404, ErrorBody(null)).ConfigureAwait(false);
            return;
        }

        await JsonAsync(context, 200, w =>
        {
            w.WriteStartObject("data");
            w.WriteStartArray("keys");
            foreach (var key in keys)
            {
                w.WriteStringValue(key);
            }

            w.WriteEndArray();
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

        w.WriteStartObject("custom_metadata");
        foreach (var (key, value) in secret.CustomMetadata)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] ErrorBody(string? message) => Write(w =>
    {
        w.WriteStartArray("errors");
        if (message is not null)
        {
            w.WriteStringValue(message);
        }

        w.WriteEndArray();
    });

    private static Task ErrorAsync(HttpContext context, int status, string message) => SendAsync(context, status, ErrorBody(message));

    private static Task JsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write) => SendAsync(context, status, Write(write));

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static async Task SendAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}

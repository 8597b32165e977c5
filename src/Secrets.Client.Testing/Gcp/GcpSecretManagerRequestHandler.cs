using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers the Secret Manager v1 REST API the way the service does: bearer authentication, JSON bodies with int64 as
/// strings, CRC32C checksums both ways, <c>nextPageToken</c> paging and Google's error shape
/// <c>{"error":{"code","message","status"}}</c>.
/// </summary>
internal sealed class GcpSecretManagerRequestHandler
{
    private const int MaxPayloadBytes = 64 * 1024;

    private readonly GcpSecretState _state;
    private readonly GcpSecretManagerEmulatorOptions _options;
    private readonly EmulatorFaults _faults;
    private readonly string _token;
    private readonly GcpSecretManagerEmulatorCounters _counters;
    private volatile bool _corruptChecksums;

    public GcpSecretManagerRequestHandler(GcpSecretState state, GcpSecretManagerEmulatorOptions options, EmulatorFaults faults, string token, GcpSecretManagerEmulatorCounters counters)
    {
        _state = state;
        _options = options;
        _faults = faults;
        _token = token;
        _counters = counters;
    }

    public bool CorruptChecksums
    {
        get => _corruptChecksums;
        set => _corruptChecksums = value;
    }

    public async Task HandleAsync(HttpContext context)
    {
        await _faults.DelayAsync(cancellationToken: context.RequestAborted).ConfigureAwait(false);

        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(authorization["Bearer ".Length..].Trim(), _token, StringComparison.Ordinal))
        {
            _counters.CountUnauthenticated();
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
            await ErrorAsync(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.").ConfigureAwait(false);
            return;
        }

        _counters.CountRequest();
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

                await ErrorAsync(context, 429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Access requests' and limit 'Access requests per minute' of service 'secretmanager.googleapis.com'.").ConfigureAwait(false);
                return;
            case EmulatorFault.ServerError:
                await ErrorAsync(context, 503, "UNAVAILABLE", "The service is currently unavailable.").ConfigureAwait(false);
                return;
        }

        await RouteAsync(context).ConfigureAwait(false);
    }

    private async Task RouteAsync(HttpContext context)
    {
        var method = context.Request.Method;
        var segments = (context.Request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 4 || segments[0] != "v1" || segments[1] != "projects" || !GcpSecretState.IsValidProject(segments[2]) || !segments[3].StartsWith("secrets", StringComparison.Ordinal))
        {
            await NotFoundPathAsync(context).ConfigureAwait(false);
            return;
        }

        var project = segments[2];
        if (segments.Length == 4 && segments[3] == "secrets")
        {
            switch (method)
            {
                case "GET":
                    await ListSecretsAsync(context, project).ConfigureAwait(false);
                    return;
                case "POST":
                    await CreateSecretAsync(context, project).ConfigureAwait(false);
                    return;
            }
        }

        if (segments.Length < 5)
        {
            await NotFoundPathAsync(context).ConfigureAwait(false);
            return;
        }

        var (secret, secretVerb) = SplitVerb(segments[4]);
        if (!GcpSecretState.IsValidSecretId(secret))
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Invalid resource field value in the request: secret id '{secret}'.").ConfigureAwait(false);
            return;
        }

        var key = GcpSecretState.Key(project, secret);
        switch (segments.Length, method, secretVerb)
        {
            case (5, "GET", null):
                await GetSecretAsync(context, key).ConfigureAwait(false);
                return;
            case (5, "DELETE", null):
                await DeleteSecretAsync(context, key).ConfigureAwait(false);
                return;
            case (5, "POST", "addVersion"):
                await AddVersionAsync(context, key).ConfigureAwait(false);
                return;
            case (6, "GET", null) when segments[5] == "versions":
                await ListVersionsAsync(context, key).ConfigureAwait(false);
                return;
        }

        if (segments.Length == 7 && segments[5] == "versions")
        {
            var (version, verb) = SplitVerb(segments[6]);
            switch (method, verb)
            {
                case ("GET", null):
                    await GetVersionAsync(context, key, version).ConfigureAwait(false);
                    return;
                case ("GET", "access"):
                    await AccessAsync(context, key, version).ConfigureAwait(false);
                    return;
                case ("POST", "enable"):
                    await ChangeStateAsync(context, key, version, GcpSecretVersionStates.Enabled).ConfigureAwait(false);
                    return;
                case ("POST", "disable"):
                    await ChangeStateAsync(context, key, version, GcpSecretVersionStates.Disabled).ConfigureAwait(false);
                    return;
                case ("POST", "destroy"):
                    await ChangeStateAsync(context, key, version, GcpSecretVersionStates.Destroyed).ConfigureAwait(false);
                    return;
            }
        }

        await NotFoundPathAsync(context).ConfigureAwait(false);
    }

    private async Task ListSecretsAsync(HttpContext context, string project)
    {
        var filter = context.Request.Query["filter"].ToString();
        if (!TryParseSecretFilter(filter, out var predicate))
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Invalid filter: '{filter}'. The emulator understands 'name:TEXT', 'labels.KEY=VALUE' and 'labels.KEY:*', joined by spaces.").ConfigureAwait(false);
            return;
        }

        if (!TryReadPaging(context, out var offset, out var pageSize))
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Invalid pageSize or pageToken.").ConfigureAwait(false);
            return;
        }

        byte[] body;
        lock (_state.Sync)
        {
            var prefix = $"projects/{project}/secrets/";
            var matching = _state.Secrets.Values.Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal) && predicate(s)).ToList();
            body = Write(w =>
            {
                w.WriteStartObject();
                var page = matching.Skip(offset).Take(pageSize).ToList();
                if (page.Count > 0)
                {
                    w.WriteStartArray("secrets");
                    foreach (var secret in page)
                    {
                        WriteSecret(w, secret);
                    }

                    w.WriteEndArray();
                }

                if (offset + pageSize < matching.Count)
                {
                    w.WriteString("nextPageToken", EncodeToken(offset + pageSize));
                }

                w.WriteNumber("totalSize", matching.Count);
                w.WriteEndObject();
            });
        }

        await WriteJsonAsync(context, 200, body).ConfigureAwait(false);
    }

    private async Task CreateSecretAsync(HttpContext context, string project)
    {
        var secretId = context.Request.Query["secretId"].ToString();
        if (!GcpSecretState.IsValidSecretId(secretId))
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Invalid secretId '{secretId}': use 1 to 255 letters, digits, '_' and '-'.").ConfigureAwait(false);
            return;
        }

        using var document = await ReadJsonAsync(context).ConfigureAwait(false);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("replication", out var replication) || replication.ValueKind != JsonValueKind.Object)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Secret.replication is required.").ConfigureAwait(false);
            return;
        }

        Dictionary<string, string>? labels = null;
        if (document.RootElement.TryGetProperty("labels", out var labelsElement) && labelsElement.ValueKind == JsonValueKind.Object)
        {
            labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var label in labelsElement.EnumerateObject())
            {
                labels[label.Name] = label.Value.GetString() ?? string.Empty;
            }
        }

        byte[] body;
        var status = 200;
        lock (_state.Sync)
        {
            var key = GcpSecretState.Key(project, secretId);
            if (_state.Secrets.ContainsKey(key))
            {
                status = 409;
                body = ErrorBody(409, "ALREADY_EXISTS", $"Secret [{key}] already exists.");
            }
            else
            {
                var created = _state.Create(project, secretId, labels);
                body = Write(w => WriteSecret(w, created));
            }
        }

        await WriteJsonAsync(context, status, body).ConfigureAwait(false);
    }

    private async Task GetSecretAsync(HttpContext context, string key)
    {
        byte[]? body = null;
        lock (_state.Sync)
        {
            if (_state.Secrets.TryGetValue(key, out var secret))
            {
                body = Write(w => WriteSecret(w, secret));
            }
        }

        await (body is null ? ErrorAsync(context, 404, "NOT_FOUND", $"Secret [{key}] not found.") : WriteJsonAsync(context, 200, body)).ConfigureAwait(false);
    }

    private async Task DeleteSecretAsync(HttpContext context, string key)
    {
        bool removed;
        lock (_state.Sync)
        {
            removed = _state.Secrets.Remove(key);
        }

        await (removed ? WriteJsonAsync(context, 200, "{}"u8.ToArray()) : ErrorAsync(context, 404, "NOT_FOUND", $"Secret [{key}] not found.")).ConfigureAwait(false);
    }

    private async Task AddVersionAsync(HttpContext context, string key)
    {
        using var document = await ReadJsonAsync(context).ConfigureAwait(false);
        if (document is null
            || document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("payload", out var payload)
            || payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty("data", out var dataElement)
            || dataElement.ValueKind != JsonValueKind.String)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Payload data is required.").ConfigureAwait(false);
            return;
        }

        byte[] data;
        try
        {
            data = dataElement.GetBytesFromBase64();
        }
        catch (FormatException)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Invalid value at 'payload.data' (TYPE_BYTES): not valid base64.").ConfigureAwait(false);
            return;
        }

        if (data.Length > MaxPayloadBytes)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Secret payload data cannot be larger than {MaxPayloadBytes} bytes.").ConfigureAwait(false);
            return;
        }

        var clientChecksum = false;
        if (payload.TryGetProperty("dataCrc32c", out var crcElement) && crcElement.ValueKind != JsonValueKind.Null)
        {
            if (!TryReadInt64(crcElement, out var expected))
            {
                await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Invalid value at 'payload.data_crc32c' (TYPE_INT64).").ConfigureAwait(false);
                return;
            }

            if (expected != Secrets.Client.Gcp.Crc32C.Compute(data))
            {
                await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Checksum mismatch: the payload's data_crc32c does not match its data.").ConfigureAwait(false);
                return;
            }

            clientChecksum = true;
        }

        byte[]? body = null;
        lock (_state.Sync)
        {
            if (_state.Secrets.TryGetValue(key, out var secret))
            {
                var version = _state.AddVersion(secret, data);
                body = Write(w => WriteVersion(w, secret, version, clientChecksum));
            }
        }

        await (body is null ? ErrorAsync(context, 404, "NOT_FOUND", $"Secret [{key}] not found.") : WriteJsonAsync(context, 200, body)).ConfigureAwait(false);
    }

    private async Task ListVersionsAsync(HttpContext context, string key)
    {
        var filter = context.Request.Query["filter"].ToString();
        string? state = null;
        if (filter.Length > 0)
        {
            if (!filter.StartsWith("state:", StringComparison.Ordinal))
            {
                await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Invalid filter: '{filter}'. The emulator understands 'state:ENABLED|DISABLED|DESTROYED'.").ConfigureAwait(false);
                return;
            }

            state = filter["state:".Length..];
        }

        if (!TryReadPaging(context, out var offset, out var pageSize))
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Invalid pageSize or pageToken.").ConfigureAwait(false);
            return;
        }

        byte[]? body = null;
        lock (_state.Sync)
        {
            if (_state.Secrets.TryGetValue(key, out var secret))
            {
                // The service lists versions newest first.
                var matching = Enumerable.Reverse(secret.Versions).Where(v => state is null || v.State == state).ToList();
                body = Write(w =>
                {
                    w.WriteStartObject();
                    var page = matching.Skip(offset).Take(pageSize).ToList();
                    if (page.Count > 0)
                    {
                        w.WriteStartArray("versions");
                        foreach (var version in page)
                        {
                            WriteVersion(w, secret, version, clientChecksum: null);
                        }

                        w.WriteEndArray();
                    }

                    if (offset + pageSize < matching.Count)
                    {
                        w.WriteString("nextPageToken", EncodeToken(offset + pageSize));
                    }

                    w.WriteNumber("totalSize", matching.Count);
                    w.WriteEndObject();
                });
            }
        }

        await (body is null ? ErrorAsync(context, 404, "NOT_FOUND", $"Secret [{key}] not found.") : WriteJsonAsync(context, 200, body)).ConfigureAwait(false);
    }

    private async Task GetVersionAsync(HttpContext context, string key, string version)
    {
        byte[]? body = null;
        lock (_state.Sync)
        {
            if (_state.Secrets.TryGetValue(key, out var secret) && secret.Find(version) is { } found)
            {
                body = Write(w => WriteVersion(w, secret, found, clientChecksum: null));
            }
        }

        await (body is null ? VersionNotFoundAsync(context, key, version) : WriteJsonAsync(context, 200, body)).ConfigureAwait(false);
    }

    private async Task AccessAsync(HttpContext context, string key, string version)
    {
        byte[]? body = null;
        string? refusedState = null;
        long number = 0;
        lock (_state.Sync)
        {
            if (_state.Secrets.TryGetValue(key, out var secret) && secret.Find(version) is { } found)
            {
                number = found.Number;
                if (found.State != GcpSecretVersionStates.Enabled)
                {
                    refusedState = found.State;
                }
                else
                {
                    var checksum = (long)Secrets.Client.Gcp.Crc32C.Compute(found.Data) + (_corruptChecksums ? 1 : 0);
                    var data = found.Data;
                    body = Write(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("name", $"{key}/versions/{found.Number.ToString(CultureInfo.InvariantCulture)}");
                        w.WriteStartObject("payload");
                        w.WriteBase64String("data", data);
                        w.WriteString("dataCrc32c", checksum.ToString(CultureInfo.InvariantCulture));
                        w.WriteEndObject();
                        w.WriteEndObject();
                    });
                }
            }
        }

        if (refusedState is not null)
        {
            await ErrorAsync(context, 400, "FAILED_PRECONDITION", $"Secret Version [{key}/versions/{number.ToString(CultureInfo.InvariantCulture)}] is in {refusedState} state.").ConfigureAwait(false);
            return;
        }

        if (body is null)
        {
            await VersionNotFoundAsync(context, key, version).ConfigureAwait(false);
            return;
        }

        _counters.CountAccess();
        await WriteJsonAsync(context, 200, body).ConfigureAwait(false);
    }

    private async Task ChangeStateAsync(HttpContext context, string key, string version, string state)
    {
        byte[]? body = null;
        var destroyed = false;
        lock (_state.Sync)
        {
            if (_state.Secrets.TryGetValue(key, out var secret) && secret.Find(version) is { } found)
            {
                if (found.State == GcpSecretVersionStates.Destroyed && state != GcpSecretVersionStates.Destroyed)
                {
                    destroyed = true;
                }
                else
                {
                    GcpSecretManagerEmulator.ApplyState(found, state, _state.Now);
                    body = Write(w => WriteVersion(w, secret, found, clientChecksum: null));
                }
            }
        }

        if (destroyed)
        {
            await ErrorAsync(context, 400, "FAILED_PRECONDITION", $"Secret Version [{key}/versions/{version}] is in DESTROYED state.").ConfigureAwait(false);
            return;
        }

        await (body is null ? VersionNotFoundAsync(context, key, version) : WriteJsonAsync(context, 200, body)).ConfigureAwait(false);
    }

    private Task VersionNotFoundAsync(HttpContext context, string key, string version)
    {
        bool secretExists;
        lock (_state.Sync)
        {
            secretExists = _state.Secrets.TryGetValue(key, out var secret) && secret.Versions.Count > 0;
        }

        return secretExists && version != "latest"
            ? ErrorAsync(context, 404, "NOT_FOUND", $"Secret Version [{key}/versions/{version}] not found.")
            : ErrorAsync(context, 404, "NOT_FOUND", $"Secret [{key}] not found or has no versions.");
    }

    private static Task NotFoundPathAsync(HttpContext context) =>
        ErrorAsync(context, 404, "NOT_FOUND", $"The requested URL {context.Request.Path} was not found on this server.");

    private bool TryReadPaging(HttpContext context, out int offset, out int pageSize)
    {
        offset = 0;
        pageSize = _options.MaxPageSize;
        var size = context.Request.Query["pageSize"].ToString();
        if (size.Length > 0)
        {
            if (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var requested) || requested < 0 || requested > 25000)
            {
                return false;
            }

            if (requested > 0)
            {
                pageSize = Math.Min(requested, _options.MaxPageSize);
            }
        }

        var token = context.Request.Query["pageToken"].ToString();
        return token.Length == 0 || TryDecodeToken(token, out offset);
    }

    private static string EncodeToken(int offset) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static bool TryDecodeToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(token));
            return text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan("offset:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryParseSecretFilter(string filter, out Func<GcpStoredSecret, bool> predicate)
    {
        var terms = new List<Func<GcpStoredSecret, bool>>();
        predicate = s => terms.TrueForAll(t => t(s));
        foreach (var term in filter.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (term.StartsWith("name:", StringComparison.Ordinal))
            {
                // ':' on a string field means "contains", on the secret's id.
                var text = term["name:".Length..].Trim('"');
                terms.Add(s => s.Name[(s.Name.LastIndexOf('/') + 1)..].Contains(text, StringComparison.Ordinal));
            }
            else if (term.StartsWith("labels.", StringComparison.Ordinal))
            {
                var rest = term["labels.".Length..];
                var equals = rest.IndexOf('=', StringComparison.Ordinal);
                var colon = rest.IndexOf(':', StringComparison.Ordinal);
                var split = equals >= 0 ? equals : colon;
                if (split <= 0)
                {
                    return false;
                }

                var labelKey = rest[..split];
                var labelValue = rest[(split + 1)..].Trim('"');
                terms.Add(labelValue == "*"
                    ? s => s.Labels.ContainsKey(labelKey)
                    : s => s.Labels.TryGetValue(labelKey, out var v) && v == labelValue);
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryReadInt64(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind switch
        {
            JsonValueKind.String => long.TryParse(element.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value),
            JsonValueKind.Number => element.TryGetInt64(out value),
            _ => false,
        };
    }

    private static (string Id, string? Verb) SplitVerb(string segment)
    {
        var colon = segment.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (segment, null) : (segment[..colon], segment[(colon + 1)..]);
    }

    private static void WriteSecret(Utf8JsonWriter w, GcpStoredSecret secret)
    {
        w.WriteStartObject();
        w.WriteString("name", secret.Name);
        w.WriteStartObject("replication");
        w.WriteStartObject("automatic");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("createTime", FormatTime(secret.Created));
        if (secret.Labels.Count > 0)
        {
            w.WriteStartObject("labels");
            foreach (var (key, value) in secret.Labels)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        w.WriteString("etag", secret.Etag);
        w.WriteEndObject();
    }

    private static void WriteVersion(Utf8JsonWriter w, GcpStoredSecret secret, GcpStoredVersion version, bool? clientChecksum)
    {
        w.WriteStartObject();
        w.WriteString("name", $"{secret.Name}/versions/{version.Number.ToString(CultureInfo.InvariantCulture)}");
        w.WriteString("createTime", FormatTime(version.Created));
        if (version.Destroyed is { } destroyed)
        {
            w.WriteString("destroyTime", FormatTime(destroyed));
        }

        w.WriteString("state", version.State);
        w.WriteStartObject("replicationStatus");
        w.WriteStartObject("automatic");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("etag", version.Etag);
        if (clientChecksum is { } specified)
        {
            w.WriteBoolean("clientSpecifiedPayloadChecksum", specified);
        }

        w.WriteEndObject();
    }

    internal static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

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

    private static Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteJsonAsync(context, status, ErrorBody(status, code, message));

    private static byte[] ErrorBody(int status, string code, string message) =>
        Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteNumber("code", status);
            w.WriteString("message", message);
            w.WriteString("status", code);
            w.WriteEndObject();
            w.WriteEndObject();
        });

    private static async Task WriteJsonAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

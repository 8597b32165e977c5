using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers the Key Vault secrets REST API (api-version 7.x and the dated versions after it) the way the service does:
/// challenge-based bearer authentication, JSON bodies, the service's error shape and <c>nextLink</c> paging.
/// </summary>
internal sealed partial class KeyVaultRequestHandler
{
    private const string Resource = "https://vault.azure.net";
    private const string RecoveryLevel = "Recoverable+Purgeable";
    private const int MaxValueLength = 25 * 1024;

    private readonly KeyVaultState _state;
    private readonly AzureKeyVaultEmulatorOptions _options;
    private readonly EmulatorFaults _faults;
    private readonly string _token;
    private readonly AzureKeyVaultEmulatorCounters _counters;
    private Uri _vaultUri = new("https://127.0.0.1/");

    public KeyVaultRequestHandler(KeyVaultState state, AzureKeyVaultEmulatorOptions options, EmulatorFaults faults, string token, AzureKeyVaultEmulatorCounters counters)
    {
        _state = state;
        _options = options;
        _faults = faults;
        _token = token;
        _counters = counters;
    }

    public Uri VaultUri
    {
        get => _vaultUri;
        set => _vaultUri = value;
    }

    public async Task HandleAsync(HttpContext context)
    {
        await _faults.DelayAsync(cancellationToken: context.RequestAborted).ConfigureAwait(false);

        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            _counters.CountChallenge();
            await ChallengeAsync(context, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.").ConfigureAwait(false);
            return;
        }

        if (!string.Equals(authorization["Bearer ".Length..].Trim(), _token, StringComparison.Ordinal))
        {
            _counters.CountChallenge();
            await ChallengeAsync(context, "Unauthorized", "AKV10032: Invalid issuer. The token was not issued by this vault's tenant.").ConfigureAwait(false);
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

                await ErrorAsync(context, StatusCodes.Status429TooManyRequests, "Throttled", "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached").ConfigureAwait(false);
                return;
            case EmulatorFault.ServerError:
                await ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", "The service is temporarily unavailable. Please retry later.").ConfigureAwait(false);
                return;
        }

        var apiVersion = request.Query["api-version"].ToString();
        if (apiVersion.Length == 0)
        {
            await ErrorAsync(context, 400, "BadParameter", "The 'api-version' query parameter is missing.").ConfigureAwait(false);
            return;
        }

        if (!ApiVersionPattern().IsMatch(apiVersion))
        {
            await ErrorAsync(context, 400, "BadParameter", $"The specified version ({apiVersion}) is not recognized. Consider using the latest supported version (2025-07-01).").ConfigureAwait(false);
            return;
        }

        var segments = (request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        await RouteAsync(context, request.Method, segments, apiVersion).ConfigureAwait(false);
    }

    private async Task RouteAsync(HttpContext context, string method, string[] segments, string apiVersion)
    {
        if (segments.Length == 0)
        {
            await ErrorAsync(context, 404, "NotFound", "The requested resource was not found.").ConfigureAwait(false);
            return;
        }

        var collection = segments[0].ToLowerInvariant();
        if (segments.Length >= 2 && !KeyVaultState.IsValidName(segments[1]))
        {
            await ErrorAsync(context, 400, "BadParameter", $"The request URI contains an invalid name: {segments[1]}").ConfigureAwait(false);
            return;
        }

        switch (collection, segments.Length, method)
        {
            case ("secrets", 1, "GET"):
                await ListAsync(context, name: null, apiVersion).ConfigureAwait(false);
                return;
            case ("secrets", 2, "PUT"):
                await SetAsync(context, segments[1]).ConfigureAwait(false);
                return;
            case ("secrets", 2, "GET"):
                await GetAsync(context, segments[1], version: null).ConfigureAwait(false);
                return;
            case ("secrets", 2, "DELETE"):
                await DeleteAsync(context, segments[1]).ConfigureAwait(false);
                return;
            case ("secrets", 3, "GET") when string.Equals(segments[2], "versions", StringComparison.OrdinalIgnoreCase):
                await ListAsync(context, segments[1], apiVersion).ConfigureAwait(false);
                return;
            case ("secrets", 3, "GET"):
                await GetAsync(context, segments[1], segments[2]).ConfigureAwait(false);
                return;
            case ("secrets", 2 or 3, "PATCH"):
                await UpdateAsync(context, segments[1], segments.Length == 3 ? segments[2] : null).ConfigureAwait(false);
                return;
            case ("deletedsecrets", 2, "GET"):
                await GetDeletedAsync(context, segments[1]).ConfigureAwait(false);
                return;
            case ("deletedsecrets", 2, "DELETE"):
                await PurgeAsync(context, segments[1]).ConfigureAwait(false);
                return;
            case ("deletedsecrets", 3, "POST") when string.Equals(segments[2], "recover", StringComparison.OrdinalIgnoreCase):
                await RecoverAsync(context, segments[1]).ConfigureAwait(false);
                return;
            default:
                await ErrorAsync(context, 405, "MethodNotAllowed", $"The requested operation {method} {string.Join('/', segments)} is not supported by this emulator.").ConfigureAwait(false);
                return;
        }
    }

    private async Task GetAsync(HttpContext context, string name, string? version)
    {
        byte[] body;
        int status;
        lock (_state.Sync)
        {
            var found = _state.Find(name, version);
            if (found is null)
            {
                status = 404;
                body = NotFoundBody(name, version);
            }
            else if (Refusal(found) is { } refusal)
            {
                status = 403;
                body = ErrorBody("Forbidden", refusal.Message, refusal.InnerCode);
            }
            else
            {
                _counters.CountValueRead();
                status = 200;
                body = Write(w => WriteBundle(w, found, includeValue: true));
            }
        }

        await WriteJsonAsync(context, status, body).ConfigureAwait(false);
    }

    private (string Message, string InnerCode)? Refusal(KeyVaultStoredVersion version)
    {
        if (!version.Enabled)
        {
            return ("Operation get is not allowed on a disabled secret.", "SecretDisabled");
        }

        if (!_options.EnforceValidityPeriod)
        {
            return null;
        }

        var now = _state.Now;
        if (version.ExpiresOn is { } exp && exp <= now)
        {
            return ("Operation get is not allowed on an expired secret.", "SecretExpired");
        }

        if (version.NotBefore is { } nbf && nbf > now)
        {
            return ("Operation get is not allowed on a not yet valid secret.", "SecretNotYetValid");
        }

        return null;
    }

    private async Task SetAsync(HttpContext context, string name)
    {
        using var document = await ReadJsonAsync(context).ConfigureAwait(false);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            await ErrorAsync(context, 400, "BadParameter", "The request body must be a JSON object.").ConfigureAwait(false);
            return;
        }

        var root = document.RootElement;
        if (!root.TryGetProperty("value", out var valueElement) || valueElement.ValueKind != JsonValueKind.String)
        {
            await ErrorAsync(context, 400, "BadParameter", "Property 'value' is required and must be a string.").ConfigureAwait(false);
            return;
        }

        var value = valueElement.GetString()!;
        if (value.Length > MaxValueLength)
        {
            await ErrorAsync(context, 400, "BadParameter", $"The secret value exceeds the maximum size of {MaxValueLength} characters.").ConfigureAwait(false);
            return;
        }

        var attributes = ReadAttributes(root);
        byte[] body;
        int status;
        lock (_state.Sync)
        {
            if (_state.IsDeleted(name))
            {
                status = 409;
                body = ErrorBody("Conflict", $"Secret {name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.", "ObjectIsDeletedButRecoverable");
            }
            else
            {
                var created = _state.AddVersion(
                    name,
                    value,
                    ReadString(root, "contentType"),
                    ReadTags(root),
                    attributes.Enabled ?? true,
                    attributes.NotBefore,
                    attributes.ExpiresOn);
                status = 200;
                body = Write(w => WriteBundle(w, created, includeValue: true));
            }
        }

        await WriteJsonAsync(context, status, body).ConfigureAwait(false);
    }

    private async Task UpdateAsync(HttpContext context, string name, string? version)
    {
        using var document = await ReadJsonAsync(context).ConfigureAwait(false);
        var root = document?.RootElement ?? default;
        if (document is not null && root.ValueKind != JsonValueKind.Object)
        {
            await ErrorAsync(context, 400, "BadParameter", "The request body must be a JSON object.").ConfigureAwait(false);
            return;
        }

        byte[] body;
        int status;
        lock (_state.Sync)
        {
            var found = _state.Find(name, version);
            if (found is null)
            {
                status = 404;
                body = NotFoundBody(name, version);
            }
            else
            {
                if (document is not null)
                {
                    if (root.TryGetProperty("contentType", out _))
                    {
                        found.ContentType = ReadString(root, "contentType");
                    }

                    if (root.TryGetProperty("tags", out _))
                    {
                        found.Tags = ReadTags(root);
                    }

                    if (root.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object)
                    {
                        var attributes = ReadAttributes(root);
                        if (attributes.Enabled is { } enabled)
                        {
                            found.Enabled = enabled;
                        }

                        if (a.TryGetProperty("nbf", out _))
                        {
                            found.NotBefore = attributes.NotBefore;
                        }

                        if (a.TryGetProperty("exp", out _))
                        {
                            found.ExpiresOn = attributes.ExpiresOn;
                        }
                    }
                }

                found.Updated = DateTimeOffset.FromUnixTimeSeconds(_state.Now.ToUnixTimeSeconds());
                status = 200;
                body = Write(w => WriteBundle(w, found, includeValue: false));
            }
        }

        await WriteJsonAsync(context, status, body).ConfigureAwait(false);
    }

    private async Task ListAsync(HttpContext context, string? name, string apiVersion)
    {
        var query = context.Request.Query;
        var pageSize = _options.MaxPageSize;
        var maxResults = query["maxresults"].ToString();
        if (maxResults.Length > 0)
        {
            if (!int.TryParse(maxResults, NumberStyles.None, CultureInfo.InvariantCulture, out var requested) || requested < 1 || requested > _options.MaxPageSize)
            {
                await ErrorAsync(context, 400, "BadParameter", $"Invalid maxresults: it must be between 1 and {_options.MaxPageSize}.").ConfigureAwait(false);
                return;
            }

            pageSize = requested;
        }

        var skip = 0;
        var skipToken = query["$skiptoken"].ToString();
        if (skipToken.Length > 0 && !TryDecodeSkipToken(skipToken, out skip))
        {
            await ErrorAsync(context, 400, "BadParameter", "The $skiptoken is not valid.").ConfigureAwait(false);
            return;
        }

        byte[] body;
        int status = 200;
        lock (_state.Sync)
        {
            var items = name is null ? _state.ListCurrent() : _state.GetVersions(name)?.ToList();
            if (items is null)
            {
                status = 404;
                body = NotFoundBody(name!, version: null);
            }
            else
            {
                body = WritePage(items, name, apiVersion, skip, pageSize);
            }
        }

        await WriteJsonAsync(context, status, body).ConfigureAwait(false);
    }

    private byte[] WritePage(List<KeyVaultStoredVersion> items, string? name, string apiVersion, int skip, int pageSize)
    {

        var page = items.Skip(skip).Take(pageSize).ToList();
        string? nextLink = null;
        if (skip + page.Count < items.Count)
        {
            var path = name is null ? "secrets" : $"secrets/{items[0].Name}/versions";
            nextLink = $"{_vaultUri}{path}?api-version={Uri.EscapeDataString(apiVersion)}&$skiptoken={EncodeSkipToken(skip + page.Count)}&maxresults={pageSize}";
        }

        return Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("value");
            foreach (var item in page)
            {
                WriteItem(w, item, withVersion: name is not null);
            }

            w.WriteEndArray();
            w.WriteString("nextLink", nextLink);
            w.WriteEndObject();
        });
    }

    private async Task DeleteAsync(HttpContext context, string name)
    {
        byte[] body;
        int status;
        lock (_state.Sync)
        {
            var deleted = _state.Delete(name);
            if (deleted is null)
            {
                status = 404;
                body = NotFoundBody(name, version: null);
            }
            else
            {
                status = 200;
                body = Write(w => WriteDeletedBundle(w, deleted, _state.Now));
            }
        }

        await WriteJsonAsync(context, status, body).ConfigureAwait(false);
    }

    private async Task GetDeletedAsync(HttpContext context, string name)
    {
        byte[] body;
        int status;
        lock (_state.Sync)
        {
            var deleted = _state.FindDeleted(name);
            if (deleted is not { } d)
            {
                status = 404;
                body = ErrorBody("SecretNotFound", $"Deleted Secret not found: {name}");
            }
            else
            {
                status = 200;
                body = Write(w => WriteDeletedBundle(w, d.Current, d.DeletedOn));
            }
        }

        await WriteJsonAsync(context, status, body).ConfigureAwait(false);
    }

    private async Task PurgeAsync(HttpContext context, string name)
    {
        bool purged;
        lock (_state.Sync)
        {
            purged = _state.Purge(name);
        }

        if (purged)
        {
            context.Response.StatusCode = 204;
            return;
        }

        await ErrorAsync(context, 404, "SecretNotFound", $"Deleted Secret not found: {name}").ConfigureAwait(false);
    }

    private async Task RecoverAsync(HttpContext context, string name)
    {
        byte[] body;
        int status;
        lock (_state.Sync)
        {
            if (_state.Recover(name))
            {
                var current = _state.Find(name, version: null)!;
                status = 200;
                body = Write(w => WriteBundle(w, current, includeValue: false));
            }
            else
            {
                status = 404;
                body = ErrorBody("SecretNotFound", $"Deleted Secret not found: {name}");
            }
        }

        await WriteJsonAsync(context, status, body).ConfigureAwait(false);
    }

    private Task ChallengeAsync(HttpContext context, string code, string message)
    {
        context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"https://login.microsoftonline.com/{_options.TenantId}\", resource=\"{Resource}\"";
        return ErrorAsync(context, 401, code, message);
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message, string? innerCode = null) =>
        WriteJsonAsync(context, status, ErrorBody(code, message, innerCode));

    private static byte[] NotFoundBody(string name, string? version) =>
        ErrorBody("SecretNotFound", string.IsNullOrEmpty(version)
            ? $"A secret with (name/id) {name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"
            : $"A secret with (name/id) {name}/{version} was not found in this key vault.");

    private static byte[] ErrorBody(string code, string message, string? innerCode = null) =>
        Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("code", code);
            w.WriteString("message", message);
            if (innerCode is not null)
            {
                w.WriteStartObject("innererror");
                w.WriteString("code", innerCode);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });

    private static async Task WriteJsonAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers["x-ms-keyvault-service-version"] = "1.9.0.0";
        context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return stream.ToArray();
    }

    private void WriteBundle(Utf8JsonWriter w, KeyVaultStoredVersion version, bool includeValue)
    {
        w.WriteStartObject();
        if (includeValue)
        {
            w.WriteString("value", version.Value);
        }

        WriteCommon(w, version, $"{_vaultUri}secrets/{version.Name}/{version.Version}");
        w.WriteEndObject();
    }

    private void WriteItem(Utf8JsonWriter w, KeyVaultStoredVersion version, bool withVersion)
    {
        w.WriteStartObject();
        WriteCommon(w, version, withVersion ? $"{_vaultUri}secrets/{version.Name}/{version.Version}" : $"{_vaultUri}secrets/{version.Name}");
        w.WriteEndObject();
    }

    private void WriteDeletedBundle(Utf8JsonWriter w, KeyVaultStoredVersion version, DateTimeOffset deletedOn)
    {
        w.WriteStartObject();
        w.WriteString("recoveryId", $"{_vaultUri}deletedsecrets/{version.Name}");
        w.WriteNumber("deletedDate", deletedOn.ToUnixTimeSeconds());
        w.WriteNumber("scheduledPurgeDate", deletedOn.AddDays(90).ToUnixTimeSeconds());
        WriteCommon(w, version, $"{_vaultUri}secrets/{version.Name}/{version.Version}");
        w.WriteEndObject();
    }

    private static void WriteCommon(Utf8JsonWriter w, KeyVaultStoredVersion version, string id)
    {
        if (version.ContentType is not null)
        {
            w.WriteString("contentType", version.ContentType);
        }

        w.WriteString("id", id);
        w.WriteStartObject("attributes");
        w.WriteBoolean("enabled", version.Enabled);
        if (version.NotBefore is { } nbf)
        {
            w.WriteNumber("nbf", nbf.ToUnixTimeSeconds());
        }

        if (version.ExpiresOn is { } exp)
        {
            w.WriteNumber("exp", exp.ToUnixTimeSeconds());
        }

        w.WriteNumber("created", version.Created.ToUnixTimeSeconds());
        w.WriteNumber("updated", version.Updated.ToUnixTimeSeconds());
        w.WriteString("recoveryLevel", RecoveryLevel);
        w.WriteNumber("recoverableDays", 90);
        w.WriteEndObject();
        if (version.Tags is { } tags)
        {
            w.WriteStartObject("tags");
            foreach (var (key, value) in tags)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }
    }

    private static (bool? Enabled, DateTimeOffset? NotBefore, DateTimeOffset? ExpiresOn) ReadAttributes(JsonElement root)
    {
        if (!root.TryGetProperty("attributes", out var a) || a.ValueKind != JsonValueKind.Object)
        {
            return (null, null, null);
        }

        bool? enabled = a.TryGetProperty("enabled", out var e) && e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : null;
        return (enabled, ReadTime(a, "nbf"), ReadTime(a, "exp"));
    }

    private static DateTimeOffset? ReadTime(JsonElement attributes, string name) =>
        attributes.TryGetProperty(name, out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static Dictionary<string, string>? ReadTags(JsonElement root)
    {
        if (!root.TryGetProperty("tags", out var t) || t.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in t.EnumerateObject())
        {
            tags[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        return tags;
    }

    private static string EncodeSkipToken(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecodeSkipToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            return text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan("offset:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^(7\.\d+|20\d\d-\d\d-\d\d)(-preview(\.\d+)?)?$")]
    private static partial Regex ApiVersionPattern();
}

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers the Key Vault secrets REST API (api-version 7.x and the dated versions after it) the way the service does:
/// challenge-based bearer authentication, JSON bodies, the service's error shape and <c>nextLink</c> paging.
/// </summary>
internal sealed partial class KeyVaultProtocol : EmulatorProtocol
{
    private const string Resource = "https://vault.azure.net";
    private const string RecoveryLevel = "Recoverable+Purgeable";
    private const int MaxValueLength = 25 * 1024;

    private readonly KeyVaultState _state;
    private readonly AzureKeyVaultEmulatorOptions _options;
    private readonly string _token;
    private Uri _vaultUri = new("https://127.0.0.1/");

    public KeyVaultProtocol(KeyVaultState state, AzureKeyVaultEmulatorOptions options, string token)
        : base(options)
    {
        _state = state;
        _options = options;
        _token = token;
    }

    public Uri VaultUri
    {
        get => _vaultUri;
        set => _vaultUri = value;
    }

    public override string ContentType => "application/json; charset=utf-8";

    protected override void OnRequestStarted(EmulatorCall call)
    {
        call.Context.Response.Headers["x-ms-keyvault-service-version"] = "1.9.0.0";
        call.Context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
    }

    protected override Task<EmulatorPrincipal> AuthenticateAsync(EmulatorCall call)
    {
        var authorization = call.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw Challenge(call, "AKV10000: Request is missing a Bearer or PoP token.");
        }

        var credential = new EmulatorCredential(EmulatorCredential.BearerKind, authorization["Bearer ".Length..].Trim());
        var principal = Authenticate(credential, c => string.Equals(c.Value, _token, StringComparison.Ordinal) ? new EmulatorPrincipal("emulator-client@" + _options.TenantId) : null)
            ?? throw Challenge(call, "AKV10032: Invalid issuer. The token was not issued by this vault's tenant.");
        return Task.FromResult(principal);
    }

    protected override EmulatorException Throttled(EmulatorCall call) =>
        new(StatusCodes.Status429TooManyRequests, "Throttled", "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached");

    protected override EmulatorException ServerError() =>
        new(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", "The service is temporarily unavailable. Please retry later.");

    protected override void WriteError(Utf8JsonWriter w, EmulatorException error)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("code", error.Code);
        w.WriteString("message", error.Message);
        if (error.InnerCode is not null)
        {
            w.WriteStartObject("innererror");
            w.WriteString("code", error.InnerCode);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    protected override Task RouteAsync(EmulatorCall call)
    {
        var apiVersion = call.Query("api-version");
        if (apiVersion.Length == 0)
        {
            throw BadParameter("The 'api-version' query parameter is missing.");
        }

        if (!ApiVersionPattern().IsMatch(apiVersion))
        {
            throw BadParameter($"The specified version ({apiVersion}) is not recognized. Consider using the latest supported version (2025-07-01).");
        }

        return RouteAsync(call, call.Method, call.Segments, apiVersion);
    }

    private async Task RouteAsync(EmulatorCall call, string method, string[] segments, string apiVersion)
    {
        if (segments.Length == 0)
        {
            throw new EmulatorException(404, "NotFound", "The requested resource was not found.");
        }

        var collection = segments[0].ToLowerInvariant();
        if (segments.Length >= 2 && !KeyVaultState.IsValidName(segments[1]))
        {
            throw new EmulatorException(400, "BadParameter", $"The request URI contains an invalid name: {segments[1]}");
        }

        switch (collection, segments.Length, method)
        {
            case ("secrets", 1, "GET"):
                await ListAsync(call, "secrets", apiVersion, _state.ListCurrent, (w, v) => WriteItem(w, v, withVersion: false)).ConfigureAwait(false);
                return;
            case ("secrets", 2, "POST") when string.Equals(segments[1], "restore", StringComparison.OrdinalIgnoreCase):
                await RestoreAsync(call).ConfigureAwait(false);
                return;
            case ("secrets", 3, "POST") when string.Equals(segments[2], "backup", StringComparison.OrdinalIgnoreCase):
                await BackupAsync(call, segments[1]).ConfigureAwait(false);
                return;
            case ("deletedsecrets", 1, "GET"):
                await ListAsync(call, "deletedsecrets", apiVersion, _state.ListDeleted, (w, d) => WriteDeletedBundle(w, d.Current, d.DeletedOn)).ConfigureAwait(false);
                return;
            case ("secrets", 2, "PUT"):
                await SetAsync(call, segments[1]).ConfigureAwait(false);
                return;
            case ("secrets", 2, "GET"):
                await GetAsync(call, segments[1], version: null).ConfigureAwait(false);
                return;
            case ("secrets", 2, "DELETE"):
                await DeleteAsync(call, segments[1]).ConfigureAwait(false);
                return;
            case ("secrets", 3, "GET") when string.Equals(segments[2], "versions", StringComparison.OrdinalIgnoreCase):
                await ListAsync(call, $"secrets/{segments[1]}/versions", apiVersion, () => _state.GetVersions(segments[1]) ?? throw NotFound(segments[1], version: null), (w, v) => WriteItem(w, v, withVersion: true)).ConfigureAwait(false);
                return;
            case ("secrets", 3, "GET"):
                await GetAsync(call, segments[1], segments[2]).ConfigureAwait(false);
                return;
            case ("secrets", 2 or 3, "PATCH"):
                await UpdateAsync(call, segments[1], segments.Length == 3 ? segments[2] : null).ConfigureAwait(false);
                return;
            case ("deletedsecrets", 2, "GET"):
                await GetDeletedAsync(call, segments[1]).ConfigureAwait(false);
                return;
            case ("deletedsecrets", 2, "DELETE"):
                await PurgeAsync(call, segments[1]).ConfigureAwait(false);
                return;
            case ("deletedsecrets", 3, "POST") when string.Equals(segments[2], "recover", StringComparison.OrdinalIgnoreCase):
                await RecoverAsync(call, segments[1]).ConfigureAwait(false);
                return;
            default:
                throw new EmulatorException(405, "MethodNotAllowed", $"The requested operation {method} {string.Join('/', segments)} is not supported by this emulator.");
        }
    }

    private async Task GetAsync(EmulatorCall call, string name, string? version)
    {
        byte[] body;
        int status;
        lock (_state.Sync)
        {
            var found = _state.Find(name, version) ?? throw NotFound(name, version);
            if (Refusal(found) is { } refusal)
            {
                status = 403;
                body = ErrorBody("Forbidden", refusal.Message, refusal.InnerCode);
            }
            else
            {
                Traffic.CountOperation(AzureKeyVaultEmulatorCounters.ValueRead);
                status = 200;
                body = EmulatorJson.Write(w => WriteBundle(w, found, includeValue: true));
            }
        }

        await call.SendAsync(status, body).ConfigureAwait(false);
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

    /// <summary>Answers one page of a collection, with the service's <c>nextLink</c> (carrying <c>$skiptoken</c> and <c>maxresults</c>).</summary>
    private async Task ListAsync<T>(EmulatorCall call, string path, string apiVersion, Func<IReadOnlyList<T>> items, Action<Utf8JsonWriter, T> writeItem)
    {
        var pageSize = _options.MaxPageSize;
        var maxResults = call.Query("maxresults");
        if (maxResults.Length > 0)
        {
            if (!int.TryParse(maxResults, NumberStyles.None, CultureInfo.InvariantCulture, out var requested) || requested < 1 || requested > _options.MaxPageSize)
            {
                throw BadParameter($"Invalid maxresults: it must be between 1 and {_options.MaxPageSize}.");
            }

            pageSize = requested;
        }

        var skip = 0;
        var skipToken = call.Query("$skiptoken");
        if (skipToken.Length > 0 && !TryDecodeSkipToken(skipToken, out skip))
        {
            throw BadParameter("The $skiptoken is not valid.");
        }

        byte[] body;
        lock (_state.Sync)
        {
            var all = items();
            var page = all.Skip(skip).Take(pageSize).ToList();
            var nextLink = skip + page.Count < all.Count
                ? $"{_vaultUri}{path}?api-version={Uri.EscapeDataString(apiVersion)}&$skiptoken={EncodeSkipToken(skip + page.Count)}&maxresults={pageSize}"
                : null;
            body = EmulatorJson.WriteObject(w =>
            {
                w.WriteStartArray("value");
                page.ForEach(item => writeItem(w, item));
                w.WriteEndArray();
                w.WriteString("nextLink", nextLink);
            });
        }

        await call.SendAsync(200, body).ConfigureAwait(false);
    }

    private EmulatorException Challenge(EmulatorCall call, string message)
    {
        Traffic.CountOperation(AzureKeyVaultEmulatorCounters.Challenge);
        call.Context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"https://login.microsoftonline.com/{_options.TenantId}\", resource=\"{Resource}\"";
        return new EmulatorException(401, "Unauthorized", message);
    }

    private static EmulatorException BadParameter(string message) => new(400, "BadParameter", message);

    private byte[] ErrorBody(string code, string message, string? innerCode = null) =>
        EmulatorJson.Write(w => WriteError(w, new EmulatorException(0, code, message, innerCode)));

    private static EmulatorException NotFound(string name, string? version) => new(404, "SecretNotFound", NotFoundMessage(name, version));

    private static string NotFoundMessage(string name, string? version) =>
        string.IsNullOrEmpty(version)
            ? $"A secret with (name/id) {name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"
            : $"A secret with (name/id) {name}/{version} was not found in this key vault.";

    [GeneratedRegex(@"^(7\.\d+|20\d\d-\d\d-\d\d)(-preview(\.\d+)?)?$")]
    private static partial Regex ApiVersionPattern();
}

using System.Globalization;
using System.Text.Json;
using static Secrets.Client.Testing.GcpSecretManagerWire;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers the Secret Manager v1 REST API the way the service does: bearer authentication (none when the emulator
/// allows anonymous access, as Google's <c>*_EMULATOR_HOST</c> convention expects), JSON bodies with int64 as strings,
/// CRC32C checksums both ways, <c>updateMask</c> patches, <c>nextPageToken</c> paging and Google's error shape
/// <c>{"error":{"code","message","status"}}</c>.
/// </summary>
internal sealed partial class GcpSecretManagerProtocol : GoogleApiProtocol
{
    private const int MaxPayloadBytes = 64 * 1024;
    private static readonly string[] UpdatableFields = ["labels", "annotations"];
    private readonly GcpSecretState _state;
    private readonly GcpSecretManagerEmulatorOptions _options;
    private volatile bool _corruptChecksums;

    public GcpSecretManagerProtocol(GcpSecretState state, GcpSecretManagerEmulatorOptions options, string token)
        : base(options, options.ProjectId, options.AllowAnonymous, token)
    {
        _state = state;
        _options = options;
    }

    public bool CorruptChecksums
    {
        get => _corruptChecksums;
        set => _corruptChecksums = value;
    }

    protected override Task<EmulatorPrincipal> AuthenticateAsync(EmulatorCall call)
    {
        var principal = AuthenticateBearer(call);
        if (principal is null)
        {
            Traffic.CountOperation(GcpSecretManagerEmulatorCounters.Unauthenticated401);
            call.Context.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
            throw Error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.");
        }

        return Task.FromResult(principal);
    }

    protected override EmulatorException Throttled(EmulatorCall call) =>
        Error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Access requests' and limit 'Access requests per minute' of service 'secretmanager.googleapis.com'.");

    /// <summary>What Cloud Audit Logs (Data Access) records: <c>AccessSecretVersion</c> with the version name as asked.</summary>
    protected override Task<EmulatorAccess?> DescribeAccessAsync(EmulatorCall call, string? errorCode)
    {
        var segments = call.Segments;
        if (segments.Length != 7 || call.Method != "GET" || segments[0] != "v1" || segments[5] != "versions" || !segments[6].EndsWith(":access", StringComparison.Ordinal))
        {
            return Task.FromResult<EmulatorAccess?>(null);
        }

        var version = segments[6][..^":access".Length];
        return Task.FromResult<EmulatorAccess?>(new EmulatorAccess(Now, "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion", call.Principal.Name)
        {
            SourceAddress = call.Context.Connection.RemoteIpAddress?.ToString(),
            UserAgent = call.Header("User-Agent"),
            Resource = $"projects/{segments[2]}/secrets/{segments[4]}/versions/{version}",
            VersionId = version,
            ErrorCode = errorCode,
        });
    }

    protected override async Task RouteAsync(EmulatorCall call)
    {
        var segments = call.Segments;
        if (segments.Length < 4 || segments[0] != "v1" || segments[1] != "projects" || !GcpSecretState.IsValidProject(segments[2]) || !segments[3].StartsWith("secrets", StringComparison.Ordinal))
        {
            throw NotFoundPath(call);
        }

        var project = segments[2];
        if (segments.Length == 4 && segments[3] == "secrets" && call.Method is "GET" or "POST")
        {
            await (call.Method == "GET" ? ListSecretsAsync(call, project) : CreateSecretAsync(call, project)).ConfigureAwait(false);
            return;
        }

        if (segments.Length < 5)
        {
            throw NotFoundPath(call);
        }

        var (secret, secretVerb) = SplitVerb(segments[4]);
        if (!GcpSecretState.IsValidSecretId(secret))
        {
            throw InvalidArgument($"Invalid resource field value in the request: secret id '{secret}'.");
        }

        var key = GcpSecretState.Key(project, secret);
        var version = segments.Length == 7 && segments[5] == "versions" ? SplitVerb(segments[6]) : default;
        Task answer = (segments.Length, call.Method, secretVerb, version.Verb) switch
        {
            (5, "GET", null, _) => SecretAnswerAsync(call, key, _ => { }),
            (5, "PATCH", null, _) => UpdateSecretAsync(call, key),
            (5, "DELETE", null, _) => DeleteSecretAsync(call, key),
            (5, "POST", "addVersion", _) => AddVersionAsync(call, key),
            (6, "GET", null, _) when segments[5] == "versions" => ListVersionsAsync(call, key),
            (7, "GET", null, null) => VersionAnswerAsync(call, key, version.Id, null),
            (7, "GET", null, "access") => AccessAsync(call, key, version.Id),
            (7, "POST", null, "enable") => VersionAnswerAsync(call, key, version.Id, GcpSecretVersionStates.Enabled),
            (7, "POST", null, "disable") => VersionAnswerAsync(call, key, version.Id, GcpSecretVersionStates.Disabled),
            (7, "POST", null, "destroy") => VersionAnswerAsync(call, key, version.Id, GcpSecretVersionStates.Destroyed),
            _ => throw NotFoundPath(call),
        };
        await answer.ConfigureAwait(false);
    }

    private static EmulatorException InvalidArgument(string message) => Error(400, "INVALID_ARGUMENT", message);

    private static EmulatorException SecretNotFound(string key) => Error(404, "NOT_FOUND", $"Secret [{key}] not found.");

    private static EmulatorException NotFoundPath(EmulatorCall call) => Error(404, "NOT_FOUND", $"The requested URL {call.Path} was not found on this server.");

    private async Task ListSecretsAsync(EmulatorCall call, string project)
    {
        var filter = call.Query("filter");
        if (!GcpSecretFilter.TryParse(filter, out var predicate))
        {
            throw InvalidArgument($"Invalid filter: '{filter}'. The emulator understands 'name:TEXT', 'labels.KEY=VALUE' and 'labels.KEY:*', joined by spaces.");
        }

        var (offset, pageSize) = ReadPaging(call);
        byte[] body;
        lock (_state.Sync)
        {
            var prefix = $"projects/{project}/secrets/";
            var matching = _state.Secrets.Values.Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal) && predicate(s)).ToList();
            body = WritePage(matching, "secrets", offset, pageSize, WriteSecret);
        }

        await call.SendAsync(200, body).ConfigureAwait(false);
    }

    private async Task CreateSecretAsync(EmulatorCall call, string project)
    {
        var secretId = call.Query("secretId");
        if (!GcpSecretState.IsValidSecretId(secretId))
        {
            throw InvalidArgument($"Invalid secretId '{secretId}': use 1 to 255 letters, digits, '_' and '-'.");
        }

        using var document = await call.ReadObjectAsync(() => InvalidArgument("Secret.replication is required.")).ConfigureAwait(false);
        if (!document.RootElement.TryGetProperty("replication", out var replication) || replication.ValueKind != JsonValueKind.Object)
        {
            throw InvalidArgument("Secret.replication is required.");
        }

        byte[] body;
        lock (_state.Sync)
        {
            var key = GcpSecretState.Key(project, secretId);
            if (_state.Secrets.ContainsKey(key))
            {
                throw Error(409, "ALREADY_EXISTS", $"Secret [{key}] already exists.");
            }

            var created = _state.Create(project, secretId, EmulatorJson.ReadStringMap(document.RootElement, "labels"));
            created.Annotations = EmulatorJson.ReadStringMap(document.RootElement, "annotations") ?? created.Annotations;
            _state.Notifier?.Notify("SECRET_CREATE", created, null);
            body = EmulatorJson.Write(w => WriteSecret(w, created));
        }

        await call.SendAsync(200, body).ConfigureAwait(false);
    }

    /// <summary>PATCH with <c>updateMask</c>: replaces exactly the named fields (labels, annotations) and answers the secret.</summary>
    private async Task UpdateSecretAsync(EmulatorCall call, string key)
    {
        var mask = call.Query("updateMask").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (mask.Length == 0)
        {
            throw InvalidArgument("update_mask is required.");
        }

        if (mask.FirstOrDefault(f => !UpdatableFields.Contains(f, StringComparer.Ordinal)) is { } unknown)
        {
            throw InvalidArgument($"Invalid update_mask path '{unknown}': the emulator updates {string.Join(" and ", UpdatableFields)}.");
        }

        using var document = await call.ReadObjectAsync(() => InvalidArgument("The request body must be a Secret.")).ConfigureAwait(false);
        var labels = EmulatorJson.ReadStringMap(document.RootElement, "labels") ?? [];
        if (labels.Keys.FirstOrDefault(k => !GcpSecretState.IsValidLabelKey(k)) is { } badKey)
        {
            throw InvalidArgument($"Invalid label key '{badKey}': use 1 to 63 lowercase letters, digits, '_' and '-', starting with a letter.");
        }

        var annotations = EmulatorJson.ReadStringMap(document.RootElement, "annotations") ?? [];
        await SecretAnswerAsync(call, key, secret =>
        {
            if (mask.Contains("labels"))
            {
                secret.Labels.Clear();
                foreach (var (name, value) in labels)
                {
                    secret.Labels[name] = value;
                }
            }

            if (mask.Contains("annotations"))
            {
                secret.Annotations = annotations;
            }

            secret.Revision++;
            _state.Notifier?.Notify("SECRET_UPDATE", secret, null);
        }).ConfigureAwait(false);
    }

    private async Task SecretAnswerAsync(EmulatorCall call, string key, Action<GcpStoredSecret> change)
    {
        byte[] body;
        lock (_state.Sync)
        {
            var secret = _state.Secrets.GetValueOrDefault(key) ?? throw SecretNotFound(key);
            change(secret);
            body = EmulatorJson.Write(w => WriteSecret(w, secret));
        }

        await call.SendAsync(200, body).ConfigureAwait(false);
    }

    private async Task DeleteSecretAsync(EmulatorCall call, string key)
    {
        lock (_state.Sync)
        {
            if (!_state.Secrets.Remove(key, out var removed))
            {
                throw SecretNotFound(key);
            }

            _state.Notifier?.Notify("SECRET_DELETE", removed, null);
        }

        await call.SendAsync(200, "{}"u8.ToArray()).ConfigureAwait(false);
    }

    private (int Offset, int PageSize) ReadPaging(EmulatorCall call)
    {
        var pageSize = _options.MaxPageSize;
        var size = call.Query("pageSize");
        var token = call.Query("pageToken");
        var offset = 0;
        var valid = size.Length == 0 || (int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var requested) && requested <= 25000 && (requested == 0 || (pageSize = Math.Min(requested, pageSize)) > 0));
        if (!valid || (token.Length > 0 && !TryDecodeToken(token, out offset)))
        {
            throw InvalidArgument("Invalid pageSize or pageToken.");
        }

        return (offset, pageSize);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>The emulator's secrets and the Secrets Manager operations over them, with AWS's semantics.</summary>
internal sealed partial class AwsEmulatorBackend
{
    public const int MaxValueBytes = 65536;
    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AwsEmulatedSecret> _byName = new(StringComparer.Ordinal);
    private readonly AwsSecretsManagerEmulatorOptions _options;
    private long _sequence;

    public AwsEmulatorBackend(AwsSecretsManagerEmulatorOptions options) => _options = options;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byName.Count;
            }
        }
    }

    private DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    public void Dispatch(string operation, JsonElement request, Utf8JsonWriter response)
    {
        List<string>? events;
        lock (_lock)
        {
            switch (operation)
            {
                case "CreateSecret": CreateSecret(request, response); break;
                case "PutSecretValue": PutSecretValue(request, response); break;
                case "GetSecretValue": GetSecretValue(request, response); break;
                case "BatchGetSecretValue": BatchGetSecretValue(request, response); break;
                case "DescribeSecret": DescribeSecret(request, response); break;
                case "ListSecretVersionIds": ListSecretVersionIds(request, response); break;
                case "ListSecrets": ListSecrets(request, response); break;
                case "RotateSecret": RotateSecret(request, response); break;
                case "DeleteSecret": DeleteSecret(request, response); break;
                case "RestoreSecret": RestoreSecret(request, response); break;
                case "UpdateSecret": UpdateSecret(request, response); break;
                case "UpdateSecretVersionStage": UpdateSecretVersionStage(request, response); break;
                case "TagResource": TagResource(request); break;
                case "UntagResource": UntagResource(request); break;
                case "GetRandomPassword": GetRandomPassword(request, response); break;
                default: throw new AwsEmulatorException("UnknownOperationException", $"Operation '{operation}' is not supported by this emulator.");
            }

            events = ChangeEvents(operation, EmulatorJson.OptionalString(request, "SecretId") ?? EmulatorJson.OptionalString(request, "Name") ?? string.Empty);
        }

        Emit(events);
    }

    public (string Arn, string? VersionId) Create(string name, string? text, byte[]? binary, string? description = null)
    {
        List<string>? events;
        (string Arn, string? VersionId) created;
        lock (_lock)
        {
            var secret = CreateCore(name, description, text, binary, clientToken: null);
            created = (secret.Arn, secret.FindByStage(AwsStages.Current)?.VersionId);
            events = ChangeEvents("CreateSecret", name);
        }

        Emit(events);
        return created;
    }

    public string Put(string secretId, string? text, byte[]? binary, IReadOnlyCollection<string>? stages)
    {
        List<string>? events;
        string versionId;
        lock (_lock)
        {
            var secret = FindLive(secretId);
            versionId = PutCore(secret, text, binary, clientToken: null, stages is { Count: > 0 } ? stages : [AwsStages.Current]).VersionId;
            events = ChangeEvents("PutSecretValue", secretId);
        }

        Emit(events);
        return versionId;
    }

    public string? VersionIdOf(string secretId, string stage)
    {
        lock (_lock)
        {
            return Find(secretId).FindByStage(stage)?.VersionId;
        }
    }

    /// <summary>The secret's ARN, or null when no such secret exists (for the CloudTrail records of a call).</summary>
    public string? ArnOf(string secretId)
    {
        lock (_lock)
        {
            try
            {
                return Find(secretId).Arn;
            }
            catch (AwsEmulatorException)
            {
                return null;
            }
        }
    }

    public void ScheduleDeletion(string secretId, bool force)
    {
        List<string>? events;
        lock (_lock)
        {
            var secret = Find(secretId);
            events = ChangeEvents("DeleteSecret", secretId);
            if (force)
            {
                _byName.Remove(secret.Name);
            }
            else
            {
                secret.DeletedDate ??= Now;
            }
        }

        Emit(events);
    }

    private static void WriteDate(Utf8JsonWriter writer, string name, DateTimeOffset? date)
    {
        if (date is { } value)
        {
            // AWS JSON 1.1 sends timestamps as epoch seconds, with milliseconds as a fraction.
            writer.WriteNumber(name, value.ToUnixTimeMilliseconds() / 1000.0);
        }
    }

    private static string? OptionalString(JsonElement request, string name) =>
        request.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string RequiredString(JsonElement request, string name) =>
        OptionalString(request, name) is { Length: > 0 } value ? value : throw AwsEmulatorException.InvalidParameter($"You must provide a value for the {name} parameter.");

    private static int MaxResults(JsonElement request, int limit, int fallback)
    {
        if (!request.TryGetProperty("MaxResults", out var value))
        {
            return fallback;
        }

        return value.TryGetInt32(out var max) && max >= 1 && max <= limit
            ? max
            : throw AwsEmulatorException.InvalidParameter($"MaxResults must be between 1 and {limit}.");
    }

    private static int Offset(JsonElement request)
    {
        if (OptionalString(request, "NextToken") is not { } token)
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw new AwsEmulatorException("InvalidNextTokenException", "The NextToken value is invalid.");
    }

    private static string NextToken(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static (string? Text, byte[]? Binary) ReadValue(JsonElement request)
    {
        var text = OptionalString(request, "SecretString");
        byte[]? binary = null;
        if (request.TryGetProperty("SecretBinary", out var encoded) && encoded.ValueKind == JsonValueKind.String)
        {
            try
            {
                binary = encoded.GetBytesFromBase64();
            }
            catch (FormatException)
            {
                throw AwsEmulatorException.InvalidParameter("SecretBinary is not valid base64.");
            }
        }

        if (text is not null && binary is not null)
        {
            throw AwsEmulatorException.InvalidParameter("You can't specify both SecretString and SecretBinary.");
        }

        if ((text is not null ? Encoding.UTF8.GetByteCount(text) : binary?.Length ?? 0) > MaxValueBytes)
        {
            throw AwsEmulatorException.InvalidParameter($"The secret value must be at most {MaxValueBytes} bytes.");
        }

        return (text, binary);
    }

    private static void WriteValueEntry(Utf8JsonWriter writer, AwsEmulatedSecret secret, AwsEmulatedVersion version)
    {
        writer.WriteString("ARN", secret.Arn);
        writer.WriteString("Name", secret.Name);
        writer.WriteString("VersionId", version.VersionId);
        if (version.Text is not null)
        {
            writer.WriteString("SecretString", version.Text);
        }
        else
        {
            writer.WriteBase64String("SecretBinary", version.Binary);
        }

        writer.WriteStartArray("VersionStages");
        foreach (var stage in version.Stages)
        {
            writer.WriteStringValue(stage);
        }

        writer.WriteEndArray();
        WriteDate(writer, "CreatedDate", version.CreatedDate);
    }

    private static void WriteTags(Utf8JsonWriter writer, AwsEmulatedSecret secret)
    {
        if (secret.Tags.Count == 0)
        {
            return;
        }

        writer.WriteStartArray("Tags");
        foreach (var (key, value) in secret.Tags)
        {
            writer.WriteStartObject();
            writer.WriteString("Key", key);
            writer.WriteString("Value", value);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteVersionsToStages(Utf8JsonWriter writer, string name, AwsEmulatedSecret secret)
    {
        writer.WriteStartObject(name);
        foreach (var version in secret.Versions.Where(v => v.Stages.Count > 0))
        {
            writer.WriteStartArray(version.VersionId);
            foreach (var stage in version.Stages)
            {
                writer.WriteStringValue(stage);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static string RandomText(int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Alphanumerics[RandomNumberGenerator.GetInt32(Alphanumerics.Length)];
        }

        return new string(chars);
    }

    private AwsEmulatedSecret Find(string secretId)
    {
        if (_byName.TryGetValue(secretId, out var byName))
        {
            return byName;
        }

        if (secretId.StartsWith("arn:", StringComparison.Ordinal))
        {
            foreach (var secret in _byName.Values)
            {
                // A partial ARN (without the six random characters AWS appends) names the secret too.
                if (secret.Arn == secretId || secret.Arn.StartsWith(secretId + "-", StringComparison.Ordinal) && secret.Arn.Length == secretId.Length + 7)
                {
                    return secret;
                }
            }
        }

        throw AwsEmulatorException.NotFound();
    }

    private AwsEmulatedSecret FindLive(string secretId)
    {
        var secret = Find(secretId);
        return secret.DeletedDate is null ? secret : throw AwsEmulatorException.MarkedForDeletion();
    }

    private AwsEmulatedSecret CreateCore(string name, string? description, string? text, byte[]? binary, string? clientToken)
    {
        if (name.Length is 0 or > 512 || name.Any(c => !char.IsAsciiLetterOrDigit(c) && "/_+=.@-".IndexOf(c, StringComparison.Ordinal) < 0))
        {
            throw AwsEmulatorException.InvalidParameter("Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!");
        }

        if (_byName.TryGetValue(name, out var existing))
        {
            throw existing.DeletedDate is null
                ? new AwsEmulatorException("ResourceExistsException", $"The operation failed because the secret {name} already exists.")
                : AwsEmulatorException.InvalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
        }

        var arn = $"arn:aws:secretsmanager:{_options.Region}:{_options.AccountId}:secret:{name}-{RandomText(6)}";
        var secret = new AwsEmulatedSecret(name, arn, ++_sequence, Now) { Description = description };
        _byName.Add(name, secret);
        if (text is not null || binary is not null)
        {
            PutCore(secret, text, binary, clientToken, [AwsStages.Current]);
        }

        return secret;
    }

    private AwsEmulatedVersion PutCore(AwsEmulatedSecret secret, string? text, byte[]? binary, string? clientToken, IReadOnlyCollection<string> stages)
    {
        if (text is null && binary is null)
        {
            throw AwsEmulatorException.InvalidParameter("You must provide either SecretString or SecretBinary.");
        }

        if (clientToken is not null && secret.FindById(clientToken) is { } same)
        {
            // ClientRequestToken makes a retried put idempotent; reusing it for another value is refused.
            return same.SameValue(text, binary)
                ? same
                : throw new AwsEmulatorException("ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
        }

        var version = new AwsEmulatedVersion(clientToken ?? Guid.NewGuid().ToString(), text, binary is null ? null : (byte[])binary.Clone(), Now);
        secret.Versions.Add(version);
        foreach (var stage in stages)
        {
            secret.AttachStage(version, stage);
        }

        secret.LastChangedDate = Now;
        return version;
    }

    private void CreateSecret(JsonElement request, Utf8JsonWriter response)
    {
        var (text, binary) = ReadValue(request);
        var secret = CreateCore(RequiredString(request, "Name"), OptionalString(request, "Description"), text, binary, OptionalString(request, "ClientRequestToken"));
        if (request.TryGetProperty("Tags", out var tags) && tags.ValueKind == JsonValueKind.Array)
        {
            foreach (var tag in tags.EnumerateArray())
            {
                secret.Tags.Add(new(OptionalString(tag, "Key") ?? string.Empty, OptionalString(tag, "Value") ?? string.Empty));
            }
        }

        response.WriteString("ARN", secret.Arn);
        response.WriteString("Name", secret.Name);
        if (secret.FindByStage(AwsStages.Current) is { } version)
        {
            response.WriteString("VersionId", version.VersionId);
        }
    }

    private void PutSecretValue(JsonElement request, Utf8JsonWriter response)
    {
        var secret = FindLive(RequiredString(request, "SecretId"));
        var (text, binary) = ReadValue(request);
        var stages = request.TryGetProperty("VersionStages", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(s => s.GetString() ?? string.Empty).ToList()
            : [AwsStages.Current];
        var version = PutCore(secret, text, binary, OptionalString(request, "ClientRequestToken"), stages);
        response.WriteString("ARN", secret.Arn);
        response.WriteString("Name", secret.Name);
        response.WriteString("VersionId", version.VersionId);
        response.WriteStartArray("VersionStages");
        foreach (var stage in version.Stages)
        {
            response.WriteStringValue(stage);
        }

        response.WriteEndArray();
    }

    private AwsEmulatedVersion ResolveVersion(AwsEmulatedSecret secret, string? versionId, string? stage)
    {
        AwsEmulatedVersion? version;
        if (versionId is not null)
        {
            version = secret.FindById(versionId);
            if (version is null || stage is not null && !version.Stages.Contains(stage))
            {
                throw AwsEmulatorException.NotFound($"Secrets Manager can't find the specified secret value for VersionId: {versionId}");
            }
        }
        else
        {
            stage ??= AwsStages.Current;
            version = secret.FindByStage(stage) ?? throw AwsEmulatorException.NotFound($"Secrets Manager can't find the specified secret value for staging label: {stage}");
        }

        version.LastAccessedDate = Now;
        secret.LastAccessedDate = Now;
        return version;
    }

    private void GetSecretValue(JsonElement request, Utf8JsonWriter response)
    {
        var secret = FindLive(RequiredString(request, "SecretId"));
        var version = ResolveVersion(secret, OptionalString(request, "VersionId"), OptionalString(request, "VersionStage"));
        WriteValueEntry(response, secret, version);
    }

    /// <summary>Serves the local agent protocol (<c>GET /secretsmanager/get</c>): the same answer as GetSecretValue.</summary>
    public void AgentGet(string? secretId, string? versionId, string? stage, Utf8JsonWriter response)
    {
        lock (_lock)
        {
            if (string.IsNullOrEmpty(secretId))
            {
                throw AwsEmulatorException.InvalidParameter("secretId is required.");
            }

            var secret = FindLive(secretId);
            response.WriteStartObject();
            WriteValueEntry(response, secret, ResolveVersion(secret, versionId, stage));
            response.WriteEndObject();
        }
    }

    private void BatchGetSecretValue(JsonElement request, Utf8JsonWriter response)
    {
        var hasIds = request.TryGetProperty("SecretIdList", out var ids) && ids.ValueKind == JsonValueKind.Array;
        var hasFilters = request.TryGetProperty("Filters", out var filters) && filters.ValueKind == JsonValueKind.Array;
        if (hasIds == hasFilters)
        {
            throw AwsEmulatorException.InvalidParameter("Either 'SecretIdList' or 'Filters' must be provided, but not both.");
        }

        var errors = new List<(string Id, AwsEmulatorException Error)>();
        response.WriteStartArray("SecretValues");
        if (hasIds)
        {
            if (ids.GetArrayLength() is 0 or > 20)
            {
                throw AwsEmulatorException.InvalidParameter("SecretIdList must contain between 1 and 20 secret ids.");
            }

            foreach (var id in ids.EnumerateArray().Select(i => i.GetString() ?? string.Empty))
            {
                try
                {
                    var secret = FindLive(id);
                    response.WriteStartObject();
                    WriteValueEntry(response, secret, ResolveVersion(secret, null, null));
                    response.WriteEndObject();
                }
                catch (AwsEmulatorException ex)
                {
                    errors.Add((id, ex));
                }
            }

            response.WriteEndArray();
        }
        else
        {
            var matches = Filter(filters, includeDeleted: false).ToList();
            var offset = Offset(request);
            var page = matches.Skip(offset).Take(MaxResults(request, 20, 20)).ToList();
            foreach (var secret in page)
            {
                try
                {
                    var version = ResolveVersion(secret, null, null);
                    response.WriteStartObject();
                    WriteValueEntry(response, secret, version);
                    response.WriteEndObject();
                }
                catch (AwsEmulatorException ex)
                {
                    errors.Add((secret.Name, ex));
                }
            }

            response.WriteEndArray();
            if (offset + page.Count < matches.Count)
            {
                response.WriteString("NextToken", NextToken(offset + page.Count));
            }
        }

        response.WriteStartArray("Errors");
        foreach (var (id, error) in errors)
        {
            response.WriteStartObject();
            response.WriteString("SecretId", id);
            response.WriteString("ErrorCode", error.Code);
            response.WriteString("Message", error.Message);
            response.WriteEndObject();
        }

        response.WriteEndArray();
    }

    private void DescribeSecret(JsonElement request, Utf8JsonWriter response)
    {
        var secret = Find(RequiredString(request, "SecretId"));
        WriteSecretMetadata(response, secret, "VersionIdsToStages");
    }

    /// <summary>The metadata DescribeSecret answers and ListSecrets repeats per entry; only the stages map's name differs.</summary>
    private static void WriteSecretMetadata(Utf8JsonWriter response, AwsEmulatedSecret secret, string stagesPropertyName)
    {
        response.WriteString("ARN", secret.Arn);
        response.WriteString("Name", secret.Name);
        if (secret.Description is not null)
        {
            response.WriteString("Description", secret.Description);
        }

        if (secret.RotationEnabled)
        {
            response.WriteBoolean("RotationEnabled", true);
        }

        WriteDate(response, "LastRotatedDate", secret.LastRotatedDate);
        WriteDate(response, "LastChangedDate", secret.LastChangedDate);
        WriteDate(response, "LastAccessedDate", secret.LastAccessedDate);
        WriteDate(response, "DeletedDate", secret.DeletedDate);
        WriteTags(response, secret);
        WriteVersionsToStages(response, stagesPropertyName, secret);
        WriteDate(response, "CreatedDate", secret.CreatedDate);
    }

    private void ListSecretVersionIds(JsonElement request, Utf8JsonWriter response)
    {
        var secret = Find(RequiredString(request, "SecretId"));
        var includeDeprecated = request.TryGetProperty("IncludeDeprecated", out var flag) && flag.ValueKind == JsonValueKind.True;
        var versions = secret.Versions.Where(v => includeDeprecated || v.Stages.Count > 0).ToList();
        var offset = Offset(request);
        var page = versions.Skip(offset).Take(MaxResults(request, 100, 100)).ToList();
        response.WriteStartArray("Versions");
        foreach (var version in page)
        {
            response.WriteStartObject();
            response.WriteString("VersionId", version.VersionId);
            response.WriteStartArray("VersionStages");
            foreach (var stage in version.Stages)
            {
                response.WriteStringValue(stage);
            }

            response.WriteEndArray();
            WriteDate(response, "LastAccessedDate", version.LastAccessedDate);
            WriteDate(response, "CreatedDate", version.CreatedDate);
            response.WriteEndObject();
        }

        response.WriteEndArray();
        if (offset + page.Count < versions.Count)
        {
            response.WriteString("NextToken", NextToken(offset + page.Count));
        }

        response.WriteString("ARN", secret.Arn);
        response.WriteString("Name", secret.Name);
    }

    private void ListSecrets(JsonElement request, Utf8JsonWriter response)
    {
        var includeDeleted = request.TryGetProperty("IncludePlannedDeletion", out var flag) && flag.ValueKind == JsonValueKind.True;
        var filters = request.TryGetProperty("Filters", out var list) && list.ValueKind == JsonValueKind.Array ? list : default;
        var matches = Filter(filters, includeDeleted);
        if (OptionalString(request, "SortOrder") == "asc")
        {
            matches = matches.Reverse();
        }

        var all = matches.ToList();
        var offset = Offset(request);
        var page = all.Skip(offset).Take(MaxResults(request, 100, 100)).ToList();
        response.WriteStartArray("SecretList");
        foreach (var secret in page)
        {
            response.WriteStartObject();
            WriteSecretMetadata(response, secret, "SecretVersionsToStages");
            response.WriteEndObject();
        }

        response.WriteEndArray();
        if (offset + page.Count < all.Count)
        {
            response.WriteString("NextToken", NextToken(offset + page.Count));
        }
    }

    /// <summary>Secrets matching AWS filters (values OR-ed within a filter, filters AND-ed, '!' negates), newest first.</summary>
    private IEnumerable<AwsEmulatedSecret> Filter(JsonElement filters, bool includeDeleted)
    {
        var parsed = new List<(string Key, string[] Values)>();
        if (filters.ValueKind == JsonValueKind.Array)
        {
            foreach (var filter in filters.EnumerateArray())
            {
                var key = OptionalString(filter, "Key") ?? string.Empty;
                if (key is not ("description" or "name" or "tag-key" or "tag-value" or "primary-region" or "owning-service" or "all"))
                {
                    throw AwsEmulatorException.InvalidParameter($"Invalid filter key '{key}'. Valid keys: description, name, tag-key, tag-value, primary-region, owning-service, all.");
                }

                var values = filter.TryGetProperty("Values", out var v) && v.ValueKind == JsonValueKind.Array
                    ? v.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToArray()
                    : [];
                parsed.Add((key, values));
            }
        }

        return _byName.Values
            .Where(s => includeDeleted || s.DeletedDate is null)
            .Where(s => parsed.All(f => f.Values.Any(value => Matches(s, f.Key, value))))
            .OrderByDescending(s => s.Sequence);
    }

    private static bool Matches(AwsEmulatedSecret secret, string key, string value)
    {
        var negate = value.StartsWith('!');
        var needle = negate ? value[1..] : value;
        var hit = key switch
        {
            "name" => secret.Name.StartsWith(needle, StringComparison.Ordinal),
            "description" => secret.Description?.StartsWith(needle, StringComparison.OrdinalIgnoreCase) == true,
            "tag-key" => secret.Tags.Any(t => t.Key.StartsWith(needle, StringComparison.Ordinal)),
            "tag-value" => secret.Tags.Any(t => t.Value.StartsWith(needle, StringComparison.Ordinal)),
            "all" => needle.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(word =>
                Words(secret).Any(w => w.StartsWith(word, StringComparison.OrdinalIgnoreCase))),
            _ => false,
        };
        return hit != negate;
    }

    private static IEnumerable<string> Words(AwsEmulatedSecret secret)
    {
        char[] separators = [' ', '/', '_', '-', '.', '+', '=', '@', ':'];
        var texts = new List<string> { secret.Name, secret.Description ?? string.Empty };
        texts.AddRange(secret.Tags.SelectMany(t => new[] { t.Key, t.Value }));
        return texts.SelectMany(t => t.Split(separators, StringSplitOptions.RemoveEmptyEntries).Append(t));
    }

    private void RotateSecret(JsonElement request, Utf8JsonWriter response)
    {
        var secret = FindLive(RequiredString(request, "SecretId"));
        secret.RotationEnabled = true;
        var immediately = !(request.TryGetProperty("RotateImmediately", out var flag) && flag.ValueKind == JsonValueKind.False);
        response.WriteString("ARN", secret.Arn);
        response.WriteString("Name", secret.Name);
        if (!immediately)
        {
            return;
        }

        var current = secret.FindByStage(AwsStages.Current);
        var rotator = _options.Rotator ?? ((_, _) => RandomText(32));
        var next = rotator(secret.Name, current?.Text);
        // A rotation function stages AWSPENDING, tests it, then moves AWSCURRENT; the emulator completes all steps at once.
        var version = PutCore(secret, next, null, OptionalString(request, "ClientRequestToken"), [AwsStages.Pending]);
        secret.AttachStage(version, AwsStages.Current);
        version.Stages.Remove(AwsStages.Pending);
        secret.LastRotatedDate = Now;
        response.WriteString("VersionId", version.VersionId);
    }
}

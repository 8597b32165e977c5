using System.Security.Cryptography;
using System.Text.Json;
using static Secrets.Client.Testing.AwsSecretsManagerWire;

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

            events = ChangeEvents(operation, EmulatorJson.OptionalString(request, "SecretId") ?? EmulatorJson.OptionalString(request, "Name") ?? string.Empty, StageParameters.Of(request));
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
            events = ChangeEvents("PutSecretValue", secretId, new StageParameters(stages is { Count: > 0 } ? stages : null));
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

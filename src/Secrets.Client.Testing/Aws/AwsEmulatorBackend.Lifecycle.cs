using System.Security.Cryptography;
using System.Text.Json;
using static Secrets.Client.Testing.AwsSecretsManagerWire;

namespace Secrets.Client.Testing;

/// <summary>
/// The operations that change a secret's life and labels: DeleteSecret, RestoreSecret, UpdateSecret,
/// UpdateSecretVersionStage, TagResource, UntagResource, and GetRandomPassword.
/// </summary>
internal sealed partial class AwsEmulatorBackend
{
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private static bool Flag(JsonElement request, string name, bool fallback = false) =>
        request.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.True : fallback;

    private void DeleteSecret(JsonElement request, Utf8JsonWriter response)
    {
        var secret = Find(RequiredString(request, "SecretId"));
        var force = Flag(request, "ForceDeleteWithoutRecovery");
        var hasWindow = request.TryGetProperty("RecoveryWindowInDays", out var window) && window.ValueKind != JsonValueKind.Null;
        if (force && hasWindow)
        {
            throw AwsEmulatorException.InvalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
        }

        var days = 30;
        if (hasWindow && (!window.TryGetInt32(out days) || days is < 7 or > 30))
        {
            throw AwsEmulatorException.InvalidParameter("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
        }

        if (force)
        {
            _byName.Remove(secret.Name);
        }
        else
        {
            if (secret.DeletedDate is not null)
            {
                throw AwsEmulatorException.MarkedForDeletion();
            }

            secret.DeletedDate = Now;
            secret.RecoveryWindowInDays = days;
        }

        response.WriteString("ARN", secret.Arn);
        response.WriteString("Name", secret.Name);
        WriteDate(response, "DeletionDate", force ? Now : secret.DeletedDate!.Value.AddDays(days));
    }

    private void RestoreSecret(JsonElement request, Utf8JsonWriter response)
    {
        var secret = Find(RequiredString(request, "SecretId"));
        secret.DeletedDate = null;
        response.WriteString("ARN", secret.Arn);
        response.WriteString("Name", secret.Name);
    }

    /// <summary>Changes the description and, when a value is given, stores it as a new AWSCURRENT version.</summary>
    private void UpdateSecret(JsonElement request, Utf8JsonWriter response)
    {
        var secret = FindLive(RequiredString(request, "SecretId"));
        var (text, binary) = ReadValue(request);
        if (OptionalString(request, "Description") is { } description)
        {
            secret.Description = description;
            secret.LastChangedDate = Now;
        }

        AwsEmulatedVersion? version = null;
        if (text is not null || binary is not null)
        {
            version = PutCore(secret, text, binary, OptionalString(request, "ClientRequestToken"), [AwsStages.Current]);
        }

        response.WriteString("ARN", secret.Arn);
        response.WriteString("Name", secret.Name);
        if (version is not null)
        {
            response.WriteString("VersionId", version.VersionId);
        }
    }

    /// <summary>
    /// Moves or removes a staging label. Moving a label a version holds needs <c>RemoveFromVersionId</c> naming that
    /// version; moving AWSCURRENT hands AWSPREVIOUS to the version that held it; AWSCURRENT cannot just be removed.
    /// </summary>
    private void UpdateSecretVersionStage(JsonElement request, Utf8JsonWriter response)
    {
        var secret = FindLive(RequiredString(request, "SecretId"));
        var stage = RequiredString(request, "VersionStage");
        var removeFrom = OptionalString(request, "RemoveFromVersionId");
        var moveTo = OptionalString(request, "MoveToVersionId");
        if (removeFrom is null && moveTo is null)
        {
            throw AwsEmulatorException.InvalidParameter("You must specify either RemoveFromVersionId or MoveToVersionId.");
        }

        var holder = secret.FindByStage(stage);
        var target = moveTo is null ? null : secret.FindById(moveTo) ?? throw AwsEmulatorException.NotFound($"Secrets Manager can't find the specified secret version: {moveTo}");
        if (removeFrom is not null && holder?.VersionId != removeFrom)
        {
            throw AwsEmulatorException.InvalidParameter($"The staging label {stage} is currently not attached to version {removeFrom}, so you can't remove it.");
        }

        if (target is not null && holder is not null && holder != target && removeFrom is null)
        {
            throw AwsEmulatorException.InvalidParameter($"The staging label {stage} is currently attached to version {holder.VersionId}. You must specify RemoveFromVersionId to move it.");
        }

        if (target is null && stage == AwsStages.Current)
        {
            throw AwsEmulatorException.InvalidParameter("You can't remove the staging label AWSCURRENT from a version without moving it to another version.");
        }

        if (target is not null)
        {
            secret.AttachStage(target, stage);
        }
        else
        {
            holder?.Stages.Remove(stage);
        }

        secret.LastChangedDate = Now;
        response.WriteString("ARN", secret.Arn);
        response.WriteString("Name", secret.Name);
    }

    public void Tag(string secretId, IReadOnlyDictionary<string, string> tags)
    {
        lock (_lock)
        {
            var secret = FindLive(secretId);
            foreach (var (key, value) in tags)
            {
                secret.Tags.RemoveAll(t => t.Key == key);
                secret.Tags.Add(new(key, value));
            }
        }
    }

    private void TagResource(JsonElement request)
    {
        var secret = FindLive(RequiredString(request, "SecretId"));
        if (!request.TryGetProperty("Tags", out var tags) || tags.ValueKind != JsonValueKind.Array)
        {
            throw AwsEmulatorException.InvalidParameter("You must provide a value for the Tags parameter.");
        }

        foreach (var tag in tags.EnumerateArray())
        {
            var key = OptionalString(tag, "Key") is { Length: > 0 } k ? k : throw AwsEmulatorException.InvalidParameter("A tag key must not be empty.");
            secret.Tags.RemoveAll(t => t.Key == key);
            secret.Tags.Add(new(key, OptionalString(tag, "Value") ?? string.Empty));
        }
    }

    private void UntagResource(JsonElement request)
    {
        var secret = FindLive(RequiredString(request, "SecretId"));
        if (!request.TryGetProperty("TagKeys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            throw AwsEmulatorException.InvalidParameter("You must provide a value for the TagKeys parameter.");
        }

        var remove = keys.EnumerateArray().Select(k => k.GetString()).ToHashSet(StringComparer.Ordinal);
        secret.Tags.RemoveAll(t => remove.Contains(t.Key));
    }

    /// <summary>A random password from the included character classes, with one of each when <c>RequireEachIncludedType</c> (the default).</summary>
    private static void GetRandomPassword(JsonElement request, Utf8JsonWriter response)
    {
        var length = 32;
        if (request.TryGetProperty("PasswordLength", out var lengthElement) && (!lengthElement.TryGetInt32(out length) || length is < 1 or > 4096))
        {
            throw AwsEmulatorException.InvalidParameter("PasswordLength must be between 1 and 4096.");
        }

        var exclude = OptionalString(request, "ExcludeCharacters") ?? string.Empty;
        string[] classes =
        [
            Flag(request, "ExcludeLowercase") ? string.Empty : "abcdefghijklmnopqrstuvwxyz",
            Flag(request, "ExcludeUppercase") ? string.Empty : "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            Flag(request, "ExcludeNumbers") ? string.Empty : "0123456789",
            Flag(request, "ExcludePunctuation") ? string.Empty : Punctuation,
            Flag(request, "IncludeSpace") ? " " : string.Empty,
        ];
        var included = classes.Select(c => new string(c.Where(ch => !exclude.Contains(ch, StringComparison.Ordinal)).ToArray())).Where(c => c.Length > 0).ToList();
        var requireEach = Flag(request, "RequireEachIncludedType", fallback: true);
        if (included.Count == 0 || (requireEach && included.Count > length))
        {
            throw AwsEmulatorException.InvalidParameter("The password length is too short to include every required character type, or every character is excluded.");
        }

        var all = string.Concat(included);
        var password = new char[length];
        for (var i = 0; i < length; i++)
        {
            var pool = requireEach && i < included.Count ? included[i] : all;
            password[i] = pool[RandomNumberGenerator.GetInt32(pool.Length)];
        }

        RandomNumberGenerator.Shuffle(password.AsSpan());
        response.WriteString("RandomPassword", new string(password));
    }
}

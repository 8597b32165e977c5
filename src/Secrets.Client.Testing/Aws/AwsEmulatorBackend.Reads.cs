using System.Text.Json;
using static Secrets.Client.Testing.AwsSecretsManagerWire;

namespace Secrets.Client.Testing;

/// <summary>
/// The read operations: GetSecretValue (and the local agent's GET), BatchGetSecretValue, DescribeSecret,
/// ListSecretVersionIds and ListSecrets; a read stamps LastAccessedDate and changes nothing else.
/// </summary>
internal sealed partial class AwsEmulatorBackend
{
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
            var matches = AwsSecretFilter.Select(_byName.Values, filters, includeDeleted: false).ToList();
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
        var matches = AwsSecretFilter.Select(_byName.Values, filters, includeDeleted);
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
}

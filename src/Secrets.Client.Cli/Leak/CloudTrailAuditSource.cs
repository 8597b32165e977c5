using System.Text.Json;

namespace Secrets.Client.Cli;

/// <summary>
/// AWS CloudTrail management events through <c>LookupEvents</c> (JSON 1.1, SigV4): every <c>GetSecretValue</c> and
/// <c>BatchGetSecretValue</c> in the window, paged with <c>NextToken</c>, kept when <c>requestParameters.secretId</c>
/// (or <c>secretIdList</c>) names the secret by name or ARN. Principal is <c>userIdentity.arn</c>, host
/// <c>sourceIPAddress</c>. CloudTrail records a version only when the caller asked for one (<c>versionId</c>/<c>versionStage</c>).
/// </summary>
internal sealed class CloudTrailAuditSource : IAuditSource
{
    private static readonly string[] ReadEvents = ["GetSecretValue", "BatchGetSecretValue"];
    private readonly AwsJsonClient _client;

    public CloudTrailAuditSource(AwsJsonClient client) => _client = client;

    public string Name => "aws-cloudtrail";

    public async Task<IReadOnlyList<AuditRead>> ReadAsync(LeakTarget target, CancellationToken cancellationToken)
    {
        var reads = new List<AuditRead>();
        foreach (var eventName in ReadEvents)
        {
            string? nextToken = null;
            do
            {
                using var page = await _client.SendAsync("LookupEvents", json =>
                {
                    json.WriteStartArray("LookupAttributes");
                    json.WriteStartObject();
                    json.WriteString("AttributeKey", "EventName");
                    json.WriteString("AttributeValue", eventName);
                    json.WriteEndObject();
                    json.WriteEndArray();
                    json.WriteNumber("StartTime", target.Since.ToUnixTimeSeconds());
                    json.WriteNumber("EndTime", target.Until.ToUnixTimeSeconds() + 1);
                    json.WriteNumber("MaxResults", 50);
                    if (nextToken is not null)
                    {
                        json.WriteString("NextToken", nextToken);
                    }
                }, cancellationToken).ConfigureAwait(false);
                var root = page.RootElement;
                if (root.TryGetProperty("Events", out var events))
                {
                    foreach (var item in events.EnumerateArray())
                    {
                        if (item.TryGetProperty("CloudTrailEvent", out var raw) && raw.GetString() is { } text && Read(text, target) is { } read)
                        {
                            reads.Add(read);
                        }
                    }
                }

                nextToken = root.TryGetProperty("NextToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
            }
            while (nextToken is not null);
        }

        return reads;
    }

    /// <summary>Reads one CloudTrail record (the <c>CloudTrailEvent</c> JSON string); null when it is not a read of the target.</summary>
    public static AuditRead? Read(string cloudTrailEvent, LeakTarget target)
    {
        using var document = JsonDocument.Parse(cloudTrailEvent);
        var record = document.RootElement;
        if (record.TryGetProperty("errorCode", out _)
            || !record.TryGetProperty("eventTime", out var timeText) || !DateTimeOffset.TryParse(timeText.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            || !target.InWindowToTheSecond(time)
            || !record.TryGetProperty("requestParameters", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var named = parameters.TryGetProperty("secretId", out var id) && NamesTarget(id.GetString(), target)
            || parameters.TryGetProperty("secretIdList", out var list) && list.ValueKind == JsonValueKind.Array && list.EnumerateArray().Any(item => NamesTarget(item.GetString(), target));
        if (!named)
        {
            return null;
        }

        string? principal = null;
        if (record.TryGetProperty("userIdentity", out var identity))
        {
            principal = identity.TryGetProperty("arn", out var arn) ? arn.GetString() : identity.TryGetProperty("principalId", out var pid) ? pid.GetString() : null;
        }

        var version = parameters.TryGetProperty("versionId", out var versionId) ? versionId.GetString()
            : parameters.TryGetProperty("versionStage", out var stage) ? "stage " + stage.GetString() : null;
        var host = record.TryGetProperty("sourceIPAddress", out var ip) ? ip.GetString() : null;
        var name = record.TryGetProperty("eventName", out var eventName) ? eventName.GetString() ?? "?" : "?";
        return new AuditRead("aws-cloudtrail", time, principal, host, version, name);
    }

    /// <summary>A secret id is the name, or an ARN <c>arn:aws:secretsmanager:region:account:secret:{name}-{6 chars}</c>.</summary>
    private static bool NamesTarget(string? secretId, LeakTarget target)
    {
        if (secretId is null)
        {
            return false;
        }

        if (target.Names(secretId))
        {
            return true;
        }

        const string marker = ":secret:";
        var at = secretId.IndexOf(marker, StringComparison.Ordinal);
        if (!secretId.StartsWith("arn:", StringComparison.Ordinal) || at < 0)
        {
            return false;
        }

        var tail = secretId[(at + marker.Length)..];
        return tail == target.SecretName || (tail.Length == target.SecretName.Length + 7 && tail.StartsWith(target.SecretName + "-", StringComparison.Ordinal));
    }
}

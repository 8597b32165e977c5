using System.Globalization;
using System.Text.Json;

namespace Secrets.Client.Aws.Events;

/// <summary>
/// Reads one SQS message body: an EventBridge event carrying a Secrets Manager CloudTrail record (delivered raw, or
/// inside an SNS notification envelope), into a <see cref="SecretChangeNotification"/>. The secret id is taken as
/// the caller spelled it (a name, a partial ARN or a full ARN with AWS's six-character suffix) and every other
/// spelling the event lets us know is added as an alias, so that a reference by any of them matches. Anything else
/// is ignored with a reason; nothing from the event is trusted beyond "check this secret". A rotation's first steps
/// (<c>RotateSecret</c>, and <c>PutSecretValue</c> with staging labels that leave out <c>AWSCURRENT</c>) name a version
/// that nobody reading the secret gets yet: they are ignored as <c>not-current</c>, and the stage move that makes it
/// current (<c>UpdateSecretVersionStage</c> to <c>AWSCURRENT</c>, then <c>RotationSucceeded</c>) carries the change.
/// </summary>
internal static class AwsChangeEventParser
{
    private const string ArnPrefix = "arn:aws";
    private const int SuffixLength = 7; // "-" and six random characters

    private static readonly HashSet<string> ChangingEvents = new(StringComparer.Ordinal)
    {
        "PutSecretValue", "UpdateSecret", "UpdateSecretVersionStage", "RotateSecret", "RotationSucceeded", "DeleteSecret",
        "RestoreSecret", "CancelRotateSecret", "CreateSecret", "ReplicateSecretToRegions", "RemoveRegionsFromReplication",
        "StopReplicationToReplica", "SecretVersionDeletion", "EndSecretVersionDelete",
    };

    public static (SecretChangeNotification? Notification, string? IgnoredReason) Parse(string body, AwsSecretChangeListenerOptions options, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && Text(root, "Type") == "Notification" && Text(root, "Message") is { } wrapped)
            {
                // SNS without raw message delivery wraps the event.
                return Parse(wrapped, options, source);
            }

            return Read(root, options, source);
        }
        catch (JsonException)
        {
            return (null, "malformed");
        }
    }

    private static (SecretChangeNotification?, string?) Read(JsonElement root, AwsSecretChangeListenerOptions options, string source)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("detail", out var detail) || detail.ValueKind != JsonValueKind.Object)
        {
            return (null, "malformed");
        }

        if (Text(root, "source") != "aws.secretsmanager")
        {
            return (null, "other-source");
        }

        var account = Text(root, "account");
        if (options.ExpectedAccountId is { } expectedAccount && account != expectedAccount)
        {
            return (null, "other-account");
        }

        var region = Text(root, "region") ?? Text(detail, "awsRegion");
        if (options.ExpectedRegion is { } expectedRegion && region != expectedRegion)
        {
            return (null, "other-region");
        }

        var eventName = Text(detail, "eventName");
        if (eventName is null)
        {
            return (null, "malformed");
        }

        if (!ChangingEvents.Contains(eventName))
        {
            return (null, "event-type");
        }

        var request = Object(detail, "requestParameters");
        if (NotCurrentYet(eventName, request))
        {
            // Every instance would fetch AWSCURRENT again and find it unchanged; the rotation's stage move comes next.
            return (null, "not-current");
        }

        var response = Object(detail, "responseElements");
        var secretId = Text(request, "secretId") ?? Text(request, "name") ?? Text(Object(detail, "additionalEventData"), "SecretId") ?? Text(response, "arn");
        if (string.IsNullOrEmpty(secretId))
        {
            return (null, "malformed");
        }

        var responseArn = Text(response, "arn");
        var spellings = new List<string>();
        string name;
        if (IsArn(secretId))
        {
            var resource = ResourceName(secretId);
            if (resource is null)
            {
                return (null, "malformed");
            }

            spellings.Add(secretId);
            if (responseArn is not null && ResourceName(responseArn) is { } known && HasSuffix(responseArn))
            {
                name = known[..^SuffixLength];
            }
            else if (HasSuffix(secretId))
            {
                // Without the response's ARN a full ARN and a partial one whose name ends like a suffix look alike: offer both readings.
                name = resource[..^SuffixLength];
                spellings.Add(resource);
                spellings.Add(secretId[..^SuffixLength]);
            }
            else
            {
                name = resource;
            }
        }
        else
        {
            name = secretId;
        }

        if (responseArn is not null)
        {
            spellings.Add(responseArn);
            if (HasSuffix(responseArn))
            {
                spellings.Add(responseArn[..^SuffixLength]);
            }
        }
        else if (!IsArn(secretId) && region is not null && account is not null)
        {
            spellings.Add($"arn:aws:secretsmanager:{region}:{account}:secret:{name}");
        }

        var version = eventName switch
        {
            "PutSecretValue" or "CreateSecret" or "RotateSecret" or "UpdateSecret" => Text(response, "versionId"),
            "UpdateSecretVersionStage" when Text(request, "versionStage") == "AWSCURRENT" => Text(request, "moveToVersionId"),
            _ => null,
        };
        var notification = new SecretChangeNotification(options.ProviderName, name)
        {
            Aliases = [.. spellings.Where(s => s != name).Distinct(StringComparer.Ordinal)],
            Version = version,
            EventType = eventName,
            EventTime = Time(Text(detail, "eventTime")) ?? Time(Text(root, "time")),
            Source = source,
        };
        return (notification, null);
    }

    /// <summary>
    /// True for an event that creates a version without making it <c>AWSCURRENT</c>: <c>RotateSecret</c> (it starts a
    /// rotation; the rotation function's stage move finishes it) and <c>PutSecretValue</c> whose request lists staging
    /// labels without <c>AWSCURRENT</c> (without labels, Secrets Manager makes the new version current).
    /// </summary>
    private static bool NotCurrentYet(string eventName, JsonElement request)
    {
        if (eventName == "RotateSecret")
        {
            return true;
        }

        if (eventName != "PutSecretValue" || request.ValueKind != JsonValueKind.Object
            || !request.TryGetProperty("versionStages", out var stages) || stages.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var stage in stages.EnumerateArray())
        {
            if (stage.ValueKind == JsonValueKind.String && stage.ValueEquals("AWSCURRENT"))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsArn(string id) => id.StartsWith(ArnPrefix, StringComparison.Ordinal);

    /// <summary>The secret's name part of an ARN (<c>arn:aws:secretsmanager:region:account:secret:NAME</c>); names may hold ':' no, but '/' yes.</summary>
    private static string? ResourceName(string arn)
    {
        var parts = arn.Split(':', 7);
        return parts.Length == 7 && parts[2] == "secretsmanager" && parts[5] == "secret" && parts[6].Length > 0 ? parts[6] : null;
    }

    private static bool HasSuffix(string id) =>
        id.Length > SuffixLength && id[^SuffixLength] == '-' && id.AsSpan(id.Length - 6).IndexOfAnyExceptInRange('0', 'z') < 0 && id[^6..].All(char.IsAsciiLetterOrDigit);

    private static JsonElement Object(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : default;

    private static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
}

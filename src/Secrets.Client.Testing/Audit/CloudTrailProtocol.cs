using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// CloudTrail's <c>LookupEvents</c> over AWS JSON 1.1 (<c>X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents</c>).
/// Records carry only the fields CloudTrail records for a Secrets Manager call; <c>requestParameters</c> hold what the
/// caller sent (a version id or stage only when it asked for one), never a value.
/// </summary>
internal sealed class CloudTrailProtocol : AwsJsonProtocol
{
    private const string Operation = "LookupEvents";
    private static readonly string[] AttributeKeys = ["EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"];
    private static readonly string[] ReadOnlyOperations = ["GetSecretValue", "BatchGetSecretValue", "DescribeSecret", "ListSecrets", "ListSecretVersionIds", "GetRandomPassword", "GetResourcePolicy"];
    private readonly CloudTrailEmulatorOptions _options;

    // botocore's targetPrefix is the namespaced one; the Smithy-based SDKs (JavaScript v3) send the short service name.
    public CloudTrailProtocol(CloudTrailEmulatorOptions options)
        : base(options, signingName: "cloudtrail", jsonVersion: "1.1", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.", "CloudTrail_20131101.") =>
        _options = options;

    protected override string UserName => "auditor";

    protected override Task<EmulatorPrincipal> AuthenticateAsync(EmulatorCall call) =>
        AuthenticateJsonCallAsync(call, rootPathOnly: true, requireSignature: true);

    protected override EmulatorException Throttled(EmulatorCall call) => new AwsEmulatorException("ThrottlingException", "Rate exceeded");

    protected override EmulatorException ServerError() => new AwsEmulatorException();

    protected override void WriteError(Utf8JsonWriter writer, EmulatorException error)
    {
        writer.WriteStartObject();
        writer.WriteString("__type", error.Code);
        writer.WriteString("message", error.Message);
        writer.WriteEndObject();
    }

    protected override async Task RouteAsync(EmulatorCall call)
    {
        if (OperationOf(call) != Operation)
        {
            throw new AwsEmulatorException("UnknownOperationException", $"The emulator answers {Operation} only.");
        }

        using var request = await call.ReadObjectAsync(() => new AwsEmulatorException("SerializationException", "The body must be a JSON object.")).ConfigureAwait(false);
        var root = request.RootElement;
        var (key, value) = ReadAttribute(root);
        var start = ReadTime(root, "StartTime") ?? DateTimeOffset.MinValue;
        var end = ReadTime(root, "EndTime") ?? DateTimeOffset.MaxValue;
        if (start > end)
        {
            throw new AwsEmulatorException("InvalidTimeRangeException", "StartTime must be before EndTime.");
        }

        var max = root.TryGetProperty("MaxResults", out var maxElement) ? maxElement.GetInt32() : 50;
        if (max is < 1 or > 50)
        {
            throw new AwsEmulatorException("InvalidMaxResultsException", "MaxResults must be between 1 and 50.");
        }

        var offset = 0;
        if (root.TryGetProperty("NextToken", out var token) && token.GetString() is { } text)
        {
            try
            {
                offset = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(text)).AsSpan("offset:".Length), CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                throw new AwsEmulatorException("InvalidNextTokenException", "Invalid NextToken.");
            }
        }

        // Newest first, as CloudTrail returns them.
        var matching = _options.Source.Entries.Where(access => access.Time >= start && access.Time <= end)
            .Select(access => (Access: access, Event: Describe(access)))
            .Where(item => key is null || Matches(item.Access, item.Event, key, value!))
            .Reverse().ToList();
        var page = matching.Skip(offset).Take(max).ToList();
        await call.ObjectAsync(200, writer =>
        {
            writer.WriteStartArray("Events");
            foreach (var (access, record) in page)
            {
                writer.WriteStartObject();
                writer.WriteString("EventId", record.EventId);
                writer.WriteString("EventName", access.Operation);
                writer.WriteString("ReadOnly", ReadOnlyOperations.Contains(access.Operation) ? "true" : "false");
                if (access.AccessKeyId is not null)
                {
                    writer.WriteString("AccessKeyId", access.AccessKeyId);
                }

                writer.WriteNumber("EventTime", access.Time.ToUnixTimeMilliseconds() / 1000.0);
                writer.WriteString("EventSource", "secretsmanager.amazonaws.com");
                writer.WriteString("Username", record.UserName);
                writer.WriteStartArray("Resources");
                if (access.ResourceArn is not null)
                {
                    writer.WriteStartObject();
                    writer.WriteString("ResourceType", "AWS::SecretsManager::Secret");
                    writer.WriteString("ResourceName", access.ResourceArn);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteString("CloudTrailEvent", record.Json);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (offset + page.Count < matching.Count)
            {
                writer.WriteString("NextToken", Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + (offset + page.Count).ToString(CultureInfo.InvariantCulture))));
            }
        }).ConfigureAwait(false);
    }

    private static (string? Key, string? Value) ReadAttribute(JsonElement root)
    {
        if (!root.TryGetProperty("LookupAttributes", out var attributes) || attributes.GetArrayLength() == 0)
        {
            return (null, null);
        }

        if (attributes.GetArrayLength() > 1)
        {
            throw new AwsEmulatorException("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.");
        }

        var attribute = attributes[0];
        var key = attribute.TryGetProperty("AttributeKey", out var k) ? k.GetString() : null;
        var value = attribute.TryGetProperty("AttributeValue", out var v) ? v.GetString() : null;
        if (key is null || !AttributeKeys.Contains(key) || string.IsNullOrEmpty(value))
        {
            throw new AwsEmulatorException("InvalidLookupAttributesException", "AttributeKey must be one of " + string.Join(", ", AttributeKeys) + " and AttributeValue non-empty.");
        }

        return (key, value);
    }

    private static DateTimeOffset? ReadTime(JsonElement root, string name) =>
        root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(element.GetDouble() * 1000))
            : null;

    private static bool Matches(EmulatorAccess access, (string EventId, string UserName, string Json) record, string key, string value) => key switch
    {
        "EventId" => record.EventId == value,
        "EventName" => access.Operation == value,
        "ReadOnly" => (ReadOnlyOperations.Contains(access.Operation) ? "true" : "false") == value,
        "Username" => record.UserName == value,
        "ResourceType" => access.ResourceArn is not null && value == "AWS::SecretsManager::Secret",
        "ResourceName" => access.ResourceArn == value,
        "EventSource" => value == "secretsmanager.amazonaws.com",
        "AccessKeyId" => access.AccessKeyId == value,
        _ => false,
    };

    /// <summary>The record CloudTrail writes for one call (the fields of its documented record contents, nothing more).</summary>
    private (string EventId, string UserName, string Json) Describe(EmulatorAccess access)
    {
        var eventId = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(access.RequestId)).AsSpan(0, 16)).ToString();
        var arn = access.Principal;
        var userName = arn.Contains(":user/", StringComparison.Ordinal) ? arn[(arn.LastIndexOf('/') + 1)..] : arn;
        var json = Encoding.UTF8.GetString(EmulatorJson.WriteObject(writer =>
        {
            writer.WriteString("eventVersion", "1.08");
            writer.WriteStartObject("userIdentity");
            writer.WriteString("type", arn.Contains(":assumed-role/", StringComparison.Ordinal) ? "AssumedRole" : "IAMUser");
            writer.WriteString("principalId", "AIDA" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(arn)).AsSpan(0, 8)));
            writer.WriteString("arn", arn);
            writer.WriteString("accountId", _options.AccountId);
            if (access.AccessKeyId is not null)
            {
                writer.WriteString("accessKeyId", access.AccessKeyId);
            }

            writer.WriteString("userName", userName);
            writer.WriteEndObject();
            writer.WriteString("eventTime", access.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("eventSource", "secretsmanager.amazonaws.com");
            writer.WriteString("eventName", access.Operation);
            writer.WriteString("awsRegion", _options.Region);
            writer.WriteString("sourceIPAddress", access.SourceAddress);
            writer.WriteString("userAgent", access.UserAgent);
            if (access.ErrorCode is not null)
            {
                writer.WriteString("errorCode", access.ErrorCode);
                writer.WriteString("errorMessage", access.ErrorCode);
            }

            writer.WriteStartObject("requestParameters");
            if (access.Resource is not null)
            {
                writer.WriteString("secretId", access.Resource);
            }

            if (access.Resources.Count > 0)
            {
                writer.WriteStartArray("secretIdList");
                foreach (var id in access.Resources)
                {
                    writer.WriteStringValue(id);
                }

                writer.WriteEndArray();
            }

            if (access.VersionId is not null)
            {
                writer.WriteString("versionId", access.VersionId);
            }

            if (access.VersionStage is not null)
            {
                writer.WriteString("versionStage", access.VersionStage);
            }

            writer.WriteEndObject();
            writer.WriteNull("responseElements");
            writer.WriteString("requestID", access.RequestId);
            writer.WriteString("eventID", eventId);
            writer.WriteBoolean("readOnly", ReadOnlyOperations.Contains(access.Operation));
            writer.WriteStartArray("resources");
            if (access.ResourceArn is not null)
            {
                writer.WriteStartObject();
                writer.WriteString("accountId", _options.AccountId);
                writer.WriteString("type", "AWS::SecretsManager::Secret");
                writer.WriteString("ARN", access.ResourceArn);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("eventType", "AwsApiCall");
            writer.WriteBoolean("managementEvent", true);
            writer.WriteString("recipientAccountId", _options.AccountId);
            writer.WriteString("eventCategory", "Management");
        }));
        return (eventId, userName, json);
    }
}

using System.Globalization;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// The events the emulator emits when a secret changes, shaped as EventBridge delivers Secrets Manager's CloudTrail
/// records: <c>"detail-type": "AWS API Call via CloudTrail"</c> with <c>detail.eventName</c> the operation and
/// <c>detail.requestParameters.secretId</c> the id exactly as the caller spelled it (name, partial or full ARN), and
/// for a completed rotation <c>"AWS Service Event via CloudTrail"</c> with <c>RotationSucceeded</c> and
/// <c>detail.additionalEventData.SecretId</c> the full ARN. Values are never in them (CloudTrail hides them too).
/// </summary>
internal sealed partial class AwsEmulatorBackend
{
    private static readonly HashSet<string> ChangingOperations = new(StringComparer.Ordinal)
    {
        "CreateSecret", "PutSecretValue", "RotateSecret", "DeleteSecret", "RestoreSecret", "UpdateSecret", "UpdateSecretVersionStage",
    };

    /// <summary>Builds the events a successful operation emits, while the lock is held (the secret's ARN is read now).</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="secretId">The secret id as the caller spelled it.</param>
    /// <param name="stages">
    /// The stage parameters of the call, as CloudTrail records them (camel case): <c>versionStages</c> of a
    /// <c>PutSecretValue</c>, <c>versionStage</c>/<c>moveToVersionId</c>/<c>removeFromVersionId</c> of a stage move.
    /// </param>
    private List<string>? ChangeEvents(string operation, string secretId, StageParameters stages = default)
    {
        if (_options.ChangeEvents is null || !ChangingOperations.Contains(operation))
        {
            return null;
        }

        string? arn = null;
        string? versionId = null;
        if (_byName.TryGetValue(secretId, out var byName) || TryFind(secretId, out byName))
        {
            arn = byName.Arn;
            // A put to other labels (a rotation's AWSPENDING) created the version those labels now name.
            var stage = operation == "PutSecretValue" && stages.VersionStages is { Count: > 0 } labels ? labels.First() : AwsStages.Current;
            versionId = byName.FindByStage(stage)?.VersionId;
        }

        var events = new List<string> { ApiCallEvent(operation, secretId, arn, versionId, stages) };
        if (operation == "RotateSecret" && arn is not null)
        {
            events.Add(ServiceEvent("RotationSucceeded", arn));
        }

        return events;
    }

    private void Emit(List<string>? events)
    {
        if (events is not null && _options.ChangeEvents is { } sink)
        {
            foreach (var change in events)
            {
                sink(change);
            }
        }
    }

    private bool TryFind(string secretId, out AwsEmulatedSecret secret)
    {
        try
        {
            secret = Find(secretId);
            return true;
        }
        catch (AwsEmulatorException)
        {
            secret = null!;
            return false;
        }
    }

    /// <summary>The stage parameters of a call, for its CloudTrail record; none by default.</summary>
    private readonly record struct StageParameters(IReadOnlyCollection<string>? VersionStages, string? VersionStage = null, string? MoveToVersionId = null, string? RemoveFromVersionId = null)
    {
        public static StageParameters Of(JsonElement request) => new(
            request.TryGetProperty(nameof(VersionStages), out var stages) && stages.ValueKind == JsonValueKind.Array
                ? stages.EnumerateArray().Where(stage => stage.ValueKind == JsonValueKind.String).Select(stage => stage.GetString()!).ToArray()
                : null,
            EmulatorJson.OptionalString(request, "VersionStage"),
            EmulatorJson.OptionalString(request, "MoveToVersionId"),
            EmulatorJson.OptionalString(request, "RemoveFromVersionId"));

        public void Write(Utf8JsonWriter detail)
        {
            if (VersionStages is not null)
            {
                EmulatorJson.WriteStringArray(detail, "versionStages", VersionStages);
            }

            WriteIfSet(detail, "versionStage", VersionStage);
            WriteIfSet(detail, "moveToVersionId", MoveToVersionId);
            WriteIfSet(detail, "removeFromVersionId", RemoveFromVersionId);
        }

        private static void WriteIfSet(Utf8JsonWriter detail, string name, string? value)
        {
            if (value is not null)
            {
                detail.WriteString(name, value);
            }
        }
    }

    private string ApiCallEvent(string operation, string secretId, string? arn, string? versionId, StageParameters stages) => Envelope("AWS API Call via CloudTrail", arn, detail =>
    {
        detail.WriteString("eventType", "AwsApiCall");
        detail.WriteString("eventName", operation);
        detail.WriteStartObject("userIdentity");
        detail.WriteString("type", "IAMUser");
        detail.WriteString("arn", $"arn:aws:iam::{_options.AccountId}:user/emulator");
        detail.WriteEndObject();
        detail.WriteStartObject("requestParameters");
        detail.WriteString(operation == "CreateSecret" ? "name" : "secretId", secretId);
        if (operation is "PutSecretValue" or "CreateSecret" or "UpdateSecret")
        {
            detail.WriteString("secretString", "HIDDEN_DUE_TO_SECURITY_REASONS");
        }

        stages.Write(detail);
        detail.WriteEndObject();
        if (arn is not null)
        {
            detail.WriteStartObject("responseElements");
            detail.WriteString("arn", arn);
            if (versionId is not null && operation is "PutSecretValue" or "CreateSecret" or "RotateSecret" or "UpdateSecret")
            {
                detail.WriteString("versionId", versionId);
            }

            detail.WriteEndObject();
        }
        else
        {
            detail.WriteNull("responseElements");
        }
    });

    private string ServiceEvent(string eventName, string arn) => Envelope("AWS Service Event via CloudTrail", arn, detail =>
    {
        detail.WriteString("eventType", "AwsServiceEvent");
        detail.WriteString("eventName", eventName);
        detail.WriteStartObject("userIdentity");
        detail.WriteString("invokedBy", "secretsmanager.amazonaws.com");
        detail.WriteEndObject();
        detail.WriteNull("requestParameters");
        detail.WriteNull("responseElements");
        detail.WriteStartObject("additionalEventData");
        detail.WriteString("SecretId", arn);
        detail.WriteEndObject();
    });

    private string Envelope(string detailType, string? arn, Action<Utf8JsonWriter> writeDetail)
    {
        var now = Now;
        var time = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var bytes = EmulatorJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("version", "0");
            w.WriteString("id", Guid.NewGuid().ToString());
            w.WriteString("detail-type", detailType);
            w.WriteString("source", "aws.secretsmanager");
            w.WriteString("account", _options.AccountId);
            w.WriteString("time", time);
            w.WriteString("region", _options.Region);
            w.WriteStartArray("resources");
            if (arn is not null && detailType.StartsWith("AWS Service", StringComparison.Ordinal))
            {
                w.WriteStringValue(arn);
            }

            w.WriteEndArray();
            w.WriteStartObject("detail");
            w.WriteString("eventVersion", "1.08");
            // Millisecond precision here (CloudTrail has seconds) so that lag can be measured below one second.
            w.WriteString("eventTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("eventSource", "secretsmanager.amazonaws.com");
            w.WriteString("awsRegion", _options.Region);
            w.WriteString("sourceIPAddress", "127.0.0.1");
            w.WriteString("userAgent", "secrets-client-emulator");
            writeDetail(w);
            w.WriteString("requestID", Guid.NewGuid().ToString());
            w.WriteString("eventID", Guid.NewGuid().ToString());
            w.WriteBoolean("readOnly", false);
            w.WriteBoolean("managementEvent", true);
            w.WriteString("recipientAccountId", _options.AccountId);
            w.WriteString("eventCategory", "Management");
            w.WriteEndObject();
            w.WriteEndObject();
        });
        return System.Text.Encoding.UTF8.GetString(bytes);
    }
}

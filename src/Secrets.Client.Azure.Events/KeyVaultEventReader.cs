using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Messaging.EventGrid;

namespace Secrets.Client.Azure.Events;

/// <summary>
/// Reads an Event Grid delivery, in the Event Grid schema or as CloudEvents 1.0 (one event or a batch), with
/// <c>Azure.Messaging.EventGrid</c>, and reads Key Vault's secret events' data (<c>Id</c>, <c>VaultName</c>,
/// <c>ObjectType</c>, <c>ObjectName</c>, <c>Version</c>, <c>NBF</c>, <c>EXP</c>).
/// </summary>
internal static partial class KeyVaultEventReader
{
    private const int MaxEvents = 5000;

    public static List<KeyVaultEvent> Read(BinaryData body)
    {
        ArgumentNullException.ThrowIfNull(body);
        bool cloudEvents;
        try
        {
            using var document = JsonDocument.Parse(body);
            var first = document.RootElement.ValueKind == JsonValueKind.Array
                ? (document.RootElement.GetArrayLength() > 0 ? document.RootElement[0] : default)
                : document.RootElement;
            if (document.RootElement.ValueKind == JsonValueKind.Array && document.RootElement.GetArrayLength() > MaxEvents)
            {
                throw new KeyVaultEventFormatException($"The delivery holds more than {MaxEvents} events.");
            }

            if (first.ValueKind == JsonValueKind.Undefined)
            {
                return [];
            }

            if (first.ValueKind != JsonValueKind.Object)
            {
                throw new KeyVaultEventFormatException("An Event Grid delivery must be a JSON object or an array of objects.");
            }

            cloudEvents = first.TryGetProperty("specversion", out _);
        }
        catch (JsonException ex)
        {
            throw new KeyVaultEventFormatException("The delivery is not valid JSON.", ex);
        }

        var events = new List<KeyVaultEvent>();
        try
        {
            if (cloudEvents)
            {
                // CloudEvents' structured JSON is read here with JsonDocument: Azure.Core's CloudEvent.ParseMany deserializes
                // through reflection, which this trimming- and AOT-compatible package does not use.
                foreach (var (type, data, time, subject) in ReadCloudEvents(body))
                {
                    events.Add(Reduce(type, data, time, subject));
                }
            }
            else
            {
                foreach (var gridEvent in EventGridEvent.ParseMany(body))
                {
                    events.Add(Reduce(gridEvent.EventType, gridEvent.Data, gridEvent.EventTime, gridEvent.Subject));
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or FormatException and not KeyVaultEventFormatException)
        {
            throw new KeyVaultEventFormatException(cloudEvents
                ? "The delivery is not valid CloudEvents 1.0 JSON."
                : "The delivery is not valid Event Grid schema JSON (id, subject, eventType, eventTime, dataVersion and data are required).", ex);
        }

        return events;
    }

    private static KeyVaultEvent Reduce(string? eventType, BinaryData? data, DateTimeOffset? eventTime, string? subject)
    {
        if (string.IsNullOrEmpty(eventType))
        {
            throw new KeyVaultEventFormatException("An event has no type.");
        }

        var kind = eventType switch
        {
            KeyVaultEventTypes.SecretNewVersionCreated or KeyVaultEventTypes.SecretExpired => KeyVaultEventKind.SecretChanged,
            KeyVaultEventTypes.SecretNearExpiry => KeyVaultEventKind.SecretNearExpiry,
            KeyVaultEventTypes.SubscriptionValidation => KeyVaultEventKind.SubscriptionValidation,
            _ => KeyVaultEventKind.Other,
        };
        if (kind == KeyVaultEventKind.Other)
        {
            return new KeyVaultEvent(eventType, kind, null, null, null, null, eventTime, null);
        }

        if (data is null)
        {
            throw new KeyVaultEventFormatException($"A {eventType} event has no data.");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(data);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new KeyVaultEventFormatException($"A {eventType} event's data is not JSON.", ex);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new KeyVaultEventFormatException($"A {eventType} event's data is not a JSON object.");
        }

        if (kind == KeyVaultEventKind.SubscriptionValidation)
        {
            var validation = Text(root, "validationCode") ?? throw new KeyVaultEventFormatException("A subscription validation event has no validationCode.");
            return new KeyVaultEvent(eventType, kind, null, null, null, null, eventTime, validation);
        }

        var objectType = Text(root, "ObjectType");
        if (objectType is not null && !string.Equals(objectType, "Secret", StringComparison.OrdinalIgnoreCase))
        {
            return new KeyVaultEvent(eventType, KeyVaultEventKind.Other, null, null, null, null, eventTime, null);
        }

        var vaultName = Text(root, "VaultName") ?? throw new KeyVaultEventFormatException($"A {eventType} event's data has no VaultName.");
        var objectName = Text(root, "ObjectName") ?? subject ?? throw new KeyVaultEventFormatException($"A {eventType} event's data has no ObjectName.");
        if (!NamePattern().IsMatch(objectName) || !VaultNamePattern().IsMatch(vaultName))
        {
            throw new KeyVaultEventFormatException($"A {eventType} event names a vault or secret that is not a valid Key Vault name.");
        }

        var version = Text(root, "Version");
        if (version is not null && !VersionPattern().IsMatch(version))
        {
            throw new KeyVaultEventFormatException($"A {eventType} event's Version is not a Key Vault version id.");
        }

        return new KeyVaultEvent(eventType, kind, vaultName, objectName, version, Text(root, "Id"), eventTime, null);
    }

    private static List<(string Type, BinaryData? Data, DateTimeOffset? Time, string? Subject)> ReadCloudEvents(BinaryData body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var items = root.ValueKind == JsonValueKind.Array ? [.. root.EnumerateArray()] : new List<JsonElement> { root };
        var events = new List<(string, BinaryData?, DateTimeOffset?, string?)>(items.Count);
        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new KeyVaultEventFormatException("A CloudEvents batch must hold JSON objects.");
            }

            string Required(string name) =>
                item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
                    ? text
                    : throw new KeyVaultEventFormatException($"A CloudEvent has no '{name}' (id, source, type and specversion are required).");

            _ = Required("id");
            _ = Required("source");
            if (Required("specversion") != "1.0")
            {
                throw new KeyVaultEventFormatException("A CloudEvent's specversion is not 1.0.");
            }

            DateTimeOffset? time = null;
            if (item.TryGetProperty("time", out var timeElement) && timeElement.ValueKind == JsonValueKind.String)
            {
                time = timeElement.TryGetDateTimeOffset(out var parsed) ? parsed : throw new KeyVaultEventFormatException("A CloudEvent's time is not an RFC 3339 timestamp.");
            }

            var data = item.TryGetProperty("data", out var dataElement) && dataElement.ValueKind != JsonValueKind.Null
                ? BinaryData.FromString(dataElement.GetRawText())
                : null;
            var subject = item.TryGetProperty("subject", out var subjectElement) && subjectElement.ValueKind == JsonValueKind.String ? subjectElement.GetString() : null;
            events.Add((Required("type"), data, time, subject));
        }

        return events;
    }

    private static string? Text(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString() is { Length: > 0 } text ? text : null,
                    JsonValueKind.Number => property.Value.GetRawText(),
                    JsonValueKind.Null => null,
                    _ => throw new KeyVaultEventFormatException($"A Key Vault event's {name} is not a string."),
                };
            }
        }

        return null;
    }

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[0-9a-zA-Z-]{3,24}$")]
    private static partial Regex VaultNamePattern();

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex VersionPattern();
}

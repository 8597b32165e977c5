using System.Globalization;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers the Pub/Sub v1 REST API as the service does for what change listeners and their judges use: topics (create,
/// get, delete, publish), subscriptions (create with <c>ackDeadlineSeconds</c> and <c>expirationPolicy.ttl</c>, get,
/// delete, unary <c>:pull</c> that waits for a message unless <c>returnImmediately</c>, <c>:acknowledge</c>,
/// <c>:modifyAckDeadline</c>), bearer authentication, base64 data, durations as <c>"86400s"</c>, Google's error shape.
/// </summary>
internal sealed class PubSubProtocol : GoogleApiProtocol
{
    private readonly PubSubBackend _backend;
    private readonly PubSubEmulatorOptions _options;

    public PubSubProtocol(PubSubBackend backend, PubSubEmulatorOptions options, string token)
        : base(options, options.ProjectId, options.AllowAnonymous, token)
    {
        _backend = backend;
        _options = options;
    }

    protected override Task<EmulatorPrincipal> AuthenticateAsync(EmulatorCall call) =>
        AuthenticateBearer(call) is { } principal
            ? Task.FromResult(principal)
            : throw PubSubBackend.Error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.");

    protected override EmulatorException Throttled(EmulatorCall call) => PubSubBackend.Error(429, "RESOURCE_EXHAUSTED", "Quota exceeded.");

    protected override async Task RouteAsync(EmulatorCall call)
    {
        var s = call.Segments;
        if (s.Length != 5 || s[0] != "v1" || s[1] != "projects" || s[3] is not ("topics" or "subscriptions"))
        {
            throw PubSubBackend.Error(404, "NOT_FOUND", $"The requested URL {call.Path} was not found on this server.");
        }

        var colon = s[4].IndexOf(':', StringComparison.Ordinal);
        var id = colon < 0 ? s[4] : s[4][..colon];
        var verb = colon < 0 ? null : s[4][(colon + 1)..];
        var name = $"projects/{s[2]}/{s[3]}/{id}";
        Traffic.CountOperation($"{s[3]}.{verb ?? call.Method}");
        using var document = call.Method is "PUT" or "POST" or "PATCH" ? await call.ReadJsonAsync().ConfigureAwait(false) : null;
        var body = document?.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement : default;
        switch (s[3], call.Method, verb)
        {
            case ("topics", "PUT", null):
                if (!_backend.CreateTopic(name))
                {
                    throw PubSubBackend.Error(409, "ALREADY_EXISTS", $"Resource already exists in the project (resource={id}).");
                }

                await call.ObjectAsync(200, w => w.WriteString("name", name)).ConfigureAwait(false);
                return;
            case ("topics", "GET", null):
                _ = _backend.TopicExists(name) ? 0 : throw PubSubBackend.Error(404, "NOT_FOUND", $"Resource not found (resource={id}).");
                await call.ObjectAsync(200, w => w.WriteString("name", name)).ConfigureAwait(false);
                return;
            case ("topics", "DELETE", null):
                _ = _backend.DeleteTopic(name) ? 0 : throw PubSubBackend.Error(404, "NOT_FOUND", $"Resource not found (resource={id}).");
                await call.ObjectAsync(200, _ => { }).ConfigureAwait(false);
                return;
            case ("topics", "POST", "publish"):
                await PublishAsync(call, name, body).ConfigureAwait(false);
                return;
            case ("subscriptions", "PUT", null):
                await CreateSubscriptionAsync(call, name, body).ConfigureAwait(false);
                return;
            case ("subscriptions", "GET", null):
                {
                    var found = _backend.FindSubscription(name);
                    await call.ObjectAsync(200, w => WriteSubscription(w, found)).ConfigureAwait(false);
                    return;
                }

            case ("subscriptions", "DELETE", null):
                _ = _backend.DeleteSubscription(name) ? 0 : throw PubSubBackend.Error(404, "NOT_FOUND", $"Resource not found (resource={id}).");
                await call.ObjectAsync(200, _ => { }).ConfigureAwait(false);
                return;
            case ("subscriptions", "POST", "pull"):
                await PullAsync(call, name, body).ConfigureAwait(false);
                return;
            case ("subscriptions", "POST", "acknowledge"):
                _backend.FindSubscription(name).Acknowledge(Strings(body, "ackIds"));
                await call.ObjectAsync(200, _ => { }).ConfigureAwait(false);
                return;
            case ("subscriptions", "POST", "modifyAckDeadline"):
                _backend.FindSubscription(name).ModifyDeadline(Strings(body, "ackIds"), Int(body, "ackDeadlineSeconds") ?? 0, _backend.Now);
                await call.ObjectAsync(200, _ => { }).ConfigureAwait(false);
                return;
            default:
                throw PubSubBackend.Error(404, "NOT_FOUND", $"The requested URL {call.Path} was not found on this server.");
        }
    }

    private static string[] Strings(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray()
            : [];

    private static int? Int(JsonElement body, string name)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var n) => n,
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
            _ => throw PubSubBackend.Error(400, "INVALID_ARGUMENT", $"Invalid value at '{name}' (TYPE_INT32)."),
        };
    }

    private static TimeSpan? Duration(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String && element.GetString() is { } text && text.EndsWith('s')
            && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        // The proto JSON of a Duration is a string; a few clients send {seconds, nanos}.
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("seconds", out var whole))
        {
            var value = whole.ValueKind == JsonValueKind.String ? double.Parse(whole.GetString()!, CultureInfo.InvariantCulture) : whole.GetDouble();
            return TimeSpan.FromSeconds(value);
        }

        throw PubSubBackend.Error(400, "INVALID_ARGUMENT", "Invalid value at 'expiration_policy.ttl' (type.googleapis.com/google.protobuf.Duration).");
    }

    private static void WriteSubscription(Utf8JsonWriter w, PubSubSubscription subscription)
    {
        w.WriteString("name", subscription.Name);
        w.WriteString("topic", subscription.Topic);
        w.WriteStartObject("pushConfig");
        w.WriteEndObject();
        w.WriteNumber("ackDeadlineSeconds", subscription.AckDeadlineSeconds);
        w.WriteString("messageRetentionDuration", "604800s");
        if (subscription.Ttl is { } ttl)
        {
            w.WriteStartObject("expirationPolicy");
            w.WriteString("ttl", ((long)ttl.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s");
            w.WriteEndObject();
        }

        EmulatorJson.WriteStringMap(w, "labels", subscription.Labels);
        w.WriteString("state", "ACTIVE");
    }

    private async Task PublishAsync(EmulatorCall call, string topic, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw PubSubBackend.Error(400, "INVALID_ARGUMENT", "The request must contain at least one message.");
        }

        var ids = new List<string>();
        foreach (var message in messages.EnumerateArray())
        {
            byte[] data;
            try
            {
                data = message.TryGetProperty("data", out var dataElement) && dataElement.ValueKind == JsonValueKind.String ? dataElement.GetBytesFromBase64() : [];
            }
            catch (FormatException)
            {
                throw PubSubBackend.Error(400, "INVALID_ARGUMENT", "Invalid value at 'messages[0].data' (TYPE_BYTES): not valid base64.");
            }

            var attributes = EmulatorJson.ReadStringMap(message, "attributes") ?? [];
            if (data.Length == 0 && attributes.Count == 0)
            {
                throw PubSubBackend.Error(400, "INVALID_ARGUMENT", "Some messages are empty: a message needs data or attributes.");
            }

            ids.Add(_backend.Publish(topic, data, attributes, EmulatorJson.OptionalString(message, "orderingKey")));
        }

        await call.ObjectAsync(200, w => EmulatorJson.WriteStringArray(w, "messageIds", ids)).ConfigureAwait(false);
    }

    private async Task CreateSubscriptionAsync(EmulatorCall call, string name, JsonElement body)
    {
        var topic = body.ValueKind == JsonValueKind.Object ? EmulatorJson.OptionalString(body, "topic") : null;
        if (string.IsNullOrEmpty(topic))
        {
            throw PubSubBackend.Error(400, "INVALID_ARGUMENT", "Subscription.topic is required.");
        }

        var ackDeadline = Int(body, "ackDeadlineSeconds") ?? 10;
        if (ackDeadline is < 10 or > 600)
        {
            throw PubSubBackend.Error(400, "INVALID_ARGUMENT", "The ack deadline must be between 10 and 600 seconds.");
        }

        TimeSpan? ttl = null;
        if (body.TryGetProperty("expirationPolicy", out var policy) && policy.ValueKind == JsonValueKind.Object && policy.TryGetProperty("ttl", out var ttlElement))
        {
            ttl = Duration(ttlElement);
        }

        var created = _backend.CreateSubscription(name, topic, ackDeadline, ttl);
        foreach (var (key, value) in EmulatorJson.ReadStringMap(body, "labels") ?? [])
        {
            created.Labels[key] = value;
        }

        await call.ObjectAsync(200, w => WriteSubscription(w, created)).ConfigureAwait(false);
    }

    private async Task PullAsync(EmulatorCall call, string name, JsonElement body)
    {
        var subscription = _backend.FindSubscription(name);
        var max = Int(body, "maxMessages") ?? 0;
        if (max <= 0)
        {
            throw PubSubBackend.Error(400, "INVALID_ARGUMENT", "max_messages must be positive.");
        }

        var immediately = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("returnImmediately", out var flag) && flag.ValueKind == JsonValueKind.True;
        var deadline = _backend.Now + _options.MaxPullWait;
        List<(string AckId, PubSubMessage Message, int Attempt)> leased;
        while (true)
        {
            (leased, var arrival) = subscription.Lease(max, _backend.Now);
            var left = deadline - _backend.Now;
            if (leased.Count > 0 || immediately || left <= TimeSpan.Zero)
            {
                break;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(call.Aborted);
            await Task.WhenAny(arrival, Task.Delay(left, TimeProvider, stop.Token)).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            call.Aborted.ThrowIfCancellationRequested();
            subscription = _backend.FindSubscription(name); // deleted while waiting: answer NOT_FOUND
        }

        await call.ObjectAsync(200, w =>
        {
            if (leased.Count == 0)
            {
                return;
            }

            w.WriteStartArray("receivedMessages");
            foreach (var (ackId, message, attempt) in leased)
            {
                w.WriteStartObject();
                w.WriteString("ackId", ackId);
                w.WriteStartObject("message");
                w.WriteBase64String("data", message.Data);
                EmulatorJson.WriteStringMap(w, "attributes", message.Attributes);
                w.WriteString("messageId", message.MessageId);
                w.WriteString("publishTime", GoogleApiProtocolCall.FormatTime(message.PublishTime));
                if (message.OrderingKey is not null)
                {
                    w.WriteString("orderingKey", message.OrderingKey);
                }

                w.WriteEndObject();
                w.WriteNumber("deliveryAttempt", attempt);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }).ConfigureAwait(false);
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// The emulated SQS account: queues by name and the operations of the SQS JSON protocol on them, plus topics that fan
/// a message out to every subscribed queue (SNS with raw message delivery), which is how a per-instance queue gets its
/// copy of an EventBridge event.
/// </summary>
internal sealed class SqsBackend
{
    private readonly ConcurrentDictionary<string, SqsQueue> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> _topics = new(StringComparer.Ordinal);
    private static readonly string[] SystemAttributes = ["SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SenderId"];
    private static readonly string[] AttributeLists = ["AttributeNames", "MessageSystemAttributeNames"];
    private readonly SqsEmulatorOptions _options;

    public SqsBackend(SqsEmulatorOptions options)
    {
        _options = options;
    }

    public Uri? Endpoint { get; set; }

    public IReadOnlyCollection<SqsQueue> Queues => [.. _queues.Values];

    public static AwsEmulatorException Error(string code, string message) => new(code, message);

    public SqsQueue CreateQueue(string name, IReadOnlyDictionary<string, string>? attributes = null, IReadOnlyDictionary<string, string>? tags = null)
    {
        if (name.Length is 0 or > 80 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            throw Error("InvalidParameterValue", "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        }

        var url = $"{Endpoint!.ToString().TrimEnd('/')}/{_options.AccountId}/{name}";
        var arn = $"arn:aws:sqs:{_options.Region}:{_options.AccountId}:{name}";
        var queue = _queues.GetOrAdd(name, _ => new SqsQueue(name, url, arn, _options.TimeProvider));
        lock (queue)
        {
            foreach (var (key, value) in attributes ?? new Dictionary<string, string>())
            {
                queue.Attributes[key] = value;
            }

            foreach (var (key, value) in tags ?? new Dictionary<string, string>())
            {
                queue.Tags[key] = value;
            }
        }

        return queue;
    }

    public SqsQueue Resolve(string? queueUrl)
    {
        if (string.IsNullOrEmpty(queueUrl))
        {
            throw Error("MissingParameter", "The request must contain the parameter QueueUrl.");
        }

        var name = queueUrl.TrimEnd('/');
        name = name[(name.LastIndexOf('/') + 1)..];
        return _queues.TryGetValue(name, out var queue) && !queue.Deleted
            ? queue
            : throw Error("QueueDoesNotExist", "The specified queue does not exist.");
    }

    public bool DeleteQueue(string name)
    {
        if (_queues.TryRemove(name, out var queue))
        {
            queue.Deleted = true;
            queue.Wake();
            foreach (var subscribers in _topics.Values)
            {
                subscribers.TryRemove(queue.Arn, out _);
            }

            return true;
        }

        return false;
    }

    /// <summary>Subscribes a queue (by ARN) to a topic; returns the subscription ARN.</summary>
    public string Subscribe(string topic, string queueArn)
    {
        var subscription = $"arn:aws:sns:{_options.Region}:{_options.AccountId}:{topic}:{Guid.NewGuid()}";
        _topics.GetOrAdd(topic, _ => new(StringComparer.Ordinal))[queueArn] = subscription;
        return subscription;
    }

    public bool Unsubscribe(string subscriptionArn)
    {
        foreach (var subscribers in _topics.Values)
        {
            foreach (var (queueArn, arn) in subscribers)
            {
                if (arn == subscriptionArn)
                {
                    return subscribers.TryRemove(queueArn, out _);
                }
            }
        }

        return false;
    }

    /// <summary>Delivers a copy of <paramref name="body"/> to every queue subscribed to <paramref name="topic"/>; returns how many.</summary>
    public int Publish(string topic, string body)
    {
        if (!_topics.TryGetValue(topic, out var subscribers))
        {
            return 0;
        }

        var delivered = 0;
        foreach (var queueArn in subscribers.Keys)
        {
            var queue = _queues.Values.FirstOrDefault(q => q.Arn == queueArn);
            if (queue is not null)
            {
                queue.Send(body, 0, "sns.amazonaws.com");
                delivered++;
            }
        }

        return delivered;
    }

    public int SubscriberCount(string topic) => _topics.TryGetValue(topic, out var subscribers) ? subscribers.Count : 0;

    /// <summary>Runs one operation (all but ReceiveMessage, see <see cref="ReceiveAsync"/>) and writes its answer's properties.</summary>
    public void Dispatch(string operation, JsonElement request, Utf8JsonWriter writer, string principal)
    {
        switch (operation)
        {
            case "CreateQueue":
                {
                    var name = EmulatorJson.OptionalString(request, "QueueName") ?? throw Error("MissingParameter", "The request must contain the parameter QueueName.");
                    var queue = CreateQueue(name, EmulatorJson.ReadStringMap(request, "Attributes"), EmulatorJson.ReadStringMap(request, "tags"));
                    writer.WriteString("QueueUrl", queue.Url);
                    break;
                }

            case "GetQueueUrl":
                {
                    var name = EmulatorJson.OptionalString(request, "QueueName") ?? throw Error("MissingParameter", "The request must contain the parameter QueueName.");
                    writer.WriteString("QueueUrl", Resolve(name).Url);
                    break;
                }

            case "DeleteQueue":
                DeleteQueue(Resolve(EmulatorJson.OptionalString(request, "QueueUrl")).Name);
                break;
            case "ListQueues":
                {
                    var prefix = EmulatorJson.OptionalString(request, "QueueNamePrefix") ?? string.Empty;
                    EmulatorJson.WriteStringArray(writer, "QueueUrls", _queues.Values.Where(q => q.Name.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(q => q.Name, StringComparer.Ordinal).Select(q => q.Url));
                    break;
                }

            case "SendMessage":
                {
                    var queue = Resolve(EmulatorJson.OptionalString(request, "QueueUrl"));
                    var body = EmulatorJson.OptionalString(request, "MessageBody");
                    if (string.IsNullOrEmpty(body))
                    {
                        throw Error("MissingParameter", "The request must contain the parameter MessageBody.");
                    }

                    var message = queue.Send(body, Int(request, "DelaySeconds", 0, 0, 900), principal);
                    writer.WriteString("MessageId", message.MessageId);
                    writer.WriteString("MD5OfMessageBody", message.Md5OfBody);
                    break;
                }

            case "DeleteMessage":
                {
                    var queue = Resolve(EmulatorJson.OptionalString(request, "QueueUrl"));
                    var handle = EmulatorJson.OptionalString(request, "ReceiptHandle") ?? throw Error("MissingParameter", "The request must contain the parameter ReceiptHandle.");
                    if (!queue.Delete(handle) && !handle.Contains('.', StringComparison.Ordinal))
                    {
                        throw Error("ReceiptHandleIsInvalid", $"The input receipt handle \"{handle}\" is not a valid receipt handle.");
                    }

                    break;
                }

            case "DeleteMessageBatch":
                {
                    var queue = Resolve(EmulatorJson.OptionalString(request, "QueueUrl"));
                    writer.WriteStartArray("Successful");
                    var failed = new List<string>();
                    foreach (var entry in request.TryGetProperty("Entries", out var entries) && entries.ValueKind == JsonValueKind.Array ? entries.EnumerateArray() : default)
                    {
                        var id = EmulatorJson.OptionalString(entry, "Id") ?? string.Empty;
                        var handle = EmulatorJson.OptionalString(entry, "ReceiptHandle") ?? string.Empty;
                        queue.Delete(handle);
                        writer.WriteStartObject();
                        writer.WriteString("Id", id);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                    EmulatorJson.WriteStringArray(writer, "Failed", failed);
                    break;
                }

            case "ChangeMessageVisibility":
                {
                    var queue = Resolve(EmulatorJson.OptionalString(request, "QueueUrl"));
                    var handle = EmulatorJson.OptionalString(request, "ReceiptHandle") ?? throw Error("MissingParameter", "The request must contain the parameter ReceiptHandle.");
                    if (!queue.ChangeVisibility(handle, TimeSpan.FromSeconds(Int(request, "VisibilityTimeout", 0, 0, 43200))))
                    {
                        throw Error("ReceiptHandleIsInvalid", "The input receipt handle is not a valid receipt handle.");
                    }

                    break;
                }

            case "TagQueue":
                {
                    var queue = Resolve(EmulatorJson.OptionalString(request, "QueueUrl"));
                    lock (queue)
                    {
                        foreach (var (key, value) in EmulatorJson.ReadStringMap(request, "Tags") ?? [])
                        {
                            queue.Tags[key] = value;
                        }
                    }

                    break;
                }

            case "ListQueueTags":
                {
                    var queue = Resolve(EmulatorJson.OptionalString(request, "QueueUrl"));
                    lock (queue)
                    {
                        EmulatorJson.WriteStringMap(writer, "Tags", queue.Tags.ToArray());
                    }

                    break;
                }

            case "GetQueueAttributes":
                {
                    var queue = Resolve(EmulatorJson.OptionalString(request, "QueueUrl"));
                    var (visible, inFlight) = queue.Count();
                    var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["QueueArn"] = queue.Arn,
                        ["ApproximateNumberOfMessages"] = visible.ToString(CultureInfo.InvariantCulture),
                        ["ApproximateNumberOfMessagesNotVisible"] = inFlight.ToString(CultureInfo.InvariantCulture),
                        ["CreatedTimestamp"] = queue.Created.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                    };
                    lock (queue)
                    {
                        foreach (var (key, value) in queue.Attributes)
                        {
                            attributes[key] = value;
                        }
                    }

                    EmulatorJson.WriteStringMap(writer, "Attributes", attributes);
                    break;
                }

            case "SetQueueAttributes":
                {
                    var queue = Resolve(EmulatorJson.OptionalString(request, "QueueUrl"));
                    lock (queue)
                    {
                        foreach (var (key, value) in EmulatorJson.ReadStringMap(request, "Attributes") ?? [])
                        {
                            queue.Attributes[key] = value;
                        }
                    }

                    break;
                }

            case "PurgeQueue":
                Resolve(EmulatorJson.OptionalString(request, "QueueUrl")).Purge();
                break;
            default:
                throw new AwsEmulatorException("UnknownOperationException", $"Unknown operation '{operation}'.", HttpStatusCode.BadRequest);
        }
    }

    private static int Int(JsonElement request, string name, int fallback, int min, int max)
    {
        if (!request.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min || number > max)
        {
            throw Error("InvalidParameterValue", $"Value for parameter {name} is invalid. Reason: must be between {min} and {max}.");
        }

        return number;
    }

    private static bool Wants(JsonElement request, string attribute)
    {
        foreach (var list in AttributeLists)
        {
            if (request.TryGetProperty(list, out var names) && names.ValueKind == JsonValueKind.Array
                && names.EnumerateArray().Any(n => n.GetString() is "All" || n.GetString() == attribute))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>ReceiveMessage: waits (long poll) until a message is visible or the wait ends, then returns the answer's writer.</summary>
    public async Task<Action<Utf8JsonWriter>> ReceiveAsync(JsonElement request, CancellationToken cancellationToken)
    {
        var queue = Resolve(EmulatorJson.OptionalString(request, "QueueUrl"));
        var max = Int(request, "MaxNumberOfMessages", 1, 1, 10);
        var visibility = TimeSpan.FromSeconds(Int(request, "VisibilityTimeout", queue.DefaultVisibilitySeconds, 0, 43200));
        var wait = TimeSpan.FromSeconds(Int(request, "WaitTimeSeconds", queue.DefaultWaitSeconds, 0, _options.MaxWaitTimeSeconds));
        var deadline = _options.TimeProvider.GetUtcNow() + wait;
        List<SqsMessage> messages;
        while (true)
        {
            (messages, var arrival) = queue.Receive(max, visibility);
            var left = deadline - _options.TimeProvider.GetUtcNow();
            if (messages.Count > 0 || left <= TimeSpan.Zero || queue.Deleted)
            {
                break;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(left, _options.TimeProvider, timeout.Token);
            await Task.WhenAny(arrival, delay).ConfigureAwait(false);
            await timeout.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        var wanted = SystemAttributes.Where(name => Wants(request, name)).ToHashSet(StringComparer.Ordinal);
        var snapshot = messages.Select(m => (m.MessageId, m.ReceiptHandle, m.Md5OfBody, m.Body, m.Sent, m.ReceiveCount, m.FirstReceived, m.SenderId)).ToArray();
        return writer => WriteMessages(writer, snapshot, wanted);
    }

    private static void WriteMessages(Utf8JsonWriter writer, (string MessageId, string? ReceiptHandle, string Md5OfBody, string Body, DateTimeOffset Sent, int ReceiveCount, DateTimeOffset? FirstReceived, string SenderId)[] messages, HashSet<string> wanted)
    {
        writer.WriteStartArray("Messages");
        foreach (var message in messages)
        {
            writer.WriteStartObject();
            writer.WriteString("MessageId", message.MessageId);
            writer.WriteString("ReceiptHandle", message.ReceiptHandle);
            writer.WriteString("MD5OfBody", message.Md5OfBody);
            writer.WriteString("Body", message.Body);
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (wanted.Contains("SentTimestamp"))
            {
                attributes["SentTimestamp"] = message.Sent.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            }

            if (wanted.Contains("ApproximateReceiveCount"))
            {
                attributes["ApproximateReceiveCount"] = message.ReceiveCount.ToString(CultureInfo.InvariantCulture);
            }

            if (wanted.Contains("ApproximateFirstReceiveTimestamp"))
            {
                attributes["ApproximateFirstReceiveTimestamp"] = message.FirstReceived!.Value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            }

            if (wanted.Contains("SenderId"))
            {
                attributes["SenderId"] = message.SenderId;
            }

            if (attributes.Count > 0)
            {
                EmulatorJson.WriteStringMap(writer, "Attributes", attributes);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}

namespace Secrets.Client.Testing;

/// <summary>
/// An in-process Amazon SQS on a loopback port, speaking the JSON protocol the current AWS SDKs use (<c>AWSSDK.SQS</c>
/// 4.x, <c>@aws-sdk/client-sqs</c>) with SigV4 verification: queues, send, receive with long polling and visibility
/// timeouts, delete, change visibility, tags and attributes. Topics fan a message out to every subscribed queue, as
/// SNS with raw message delivery does, so that each instance's queue gets its copy of an EventBridge event. Point a
/// client at <see cref="LoopbackEmulator.Endpoint"/> with <see cref="AwsEmulator.AccessKeyId"/>, <see cref="AwsEmulator.SecretAccessKey"/> and <see cref="AwsEmulator.Region"/>.
/// </summary>
/// <remarks>
/// Operations: CreateQueue, GetQueueUrl, DeleteQueue, ListQueues, SendMessage, ReceiveMessage, DeleteMessage,
/// DeleteMessageBatch, ChangeMessageVisibility, TagQueue, ListQueueTags, GetQueueAttributes, SetQueueAttributes and
/// PurgeQueue. All members are thread-safe.
/// </remarks>
public sealed class SqsEmulator : AwsEmulator
{
    private readonly SqsBackend _backend;

    private SqsEmulator(SqsEmulatorOptions options, SqsBackend backend)
        : base(new SqsProtocol(options, backend), options) => _backend = backend;

    /// <summary>Gets the names of the queues that exist, in order.</summary>
    public IReadOnlyList<string> QueueNames => [.. _backend.Queues.Select(q => q.Name).Order(StringComparer.Ordinal)];

    /// <summary>Starts an emulator on a loopback port.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop.</returns>
    public static Task<SqsEmulator> StartAsync(SqsEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SqsEmulatorOptions();
        options.Validate();
        return ListenAsync(new SqsEmulator(options, new SqsBackend(options)), options, useHttps: false, cancellationToken);
    }

    /// <summary>Creates a queue (or returns the existing one) and gives its URL.</summary>
    /// <param name="name">The queue name.</param>
    /// <param name="tags">Tags to set, if any.</param>
    /// <returns>The queue URL.</returns>
    public string CreateQueue(string name, IReadOnlyDictionary<string, string>? tags = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Seed(() => _backend.CreateQueue(name, tags: tags).Url);
    }

    /// <summary>Sends a message to a queue, as <c>SendMessage</c> does.</summary>
    /// <param name="queueUrlOrName">The queue URL or name.</param>
    /// <param name="body">The message body.</param>
    /// <returns>The message id.</returns>
    public string SendMessage(string queueUrlOrName, string body)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueUrlOrName);
        ArgumentException.ThrowIfNullOrEmpty(body);
        return Seed(() => _backend.Resolve(queueUrlOrName).Send(body, 0, "emulator").MessageId);
    }

    /// <summary>Gets how many messages a queue holds: visible, and received but not yet deleted (in flight).</summary>
    /// <param name="queueUrlOrName">The queue URL or name.</param>
    /// <returns>The counts.</returns>
    public (int Visible, int InFlight) CountMessages(string queueUrlOrName) => Seed(() => _backend.Resolve(queueUrlOrName).Count());

    /// <summary>Gets a queue's tags.</summary>
    /// <param name="queueUrlOrName">The queue URL or name.</param>
    /// <returns>A copy of the tags.</returns>
    public IReadOnlyDictionary<string, string> GetQueueTags(string queueUrlOrName) => Seed(() =>
    {
        var queue = _backend.Resolve(queueUrlOrName);
        lock (queue)
        {
            return (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(queue.Tags, StringComparer.Ordinal);
        }
    });

    /// <summary>Subscribes a queue to a topic (SNS with raw message delivery); messages published after this reach it.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="queueUrlOrName">The queue URL or name.</param>
    /// <returns>The subscription ARN.</returns>
    public string Subscribe(string topic, string queueUrlOrName)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return Seed(() => _backend.Topics.Subscribe(topic, _backend.Resolve(queueUrlOrName).Arn));
    }

    /// <summary>Removes a subscription.</summary>
    /// <param name="subscriptionArn">The ARN <see cref="Subscribe"/> returned.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public bool Unsubscribe(string subscriptionArn) => _backend.Topics.Unsubscribe(subscriptionArn);

    /// <summary>Publishes a message to a topic: every subscribed queue gets a copy of the body.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="body">The message body, for example an EventBridge event.</param>
    /// <returns>How many queues it reached.</returns>
    public int Publish(string topic, string body)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(body);
        return _backend.Topics.Publish(topic, body);
    }

    /// <summary>Gets how many queues are subscribed to a topic.</summary>
    /// <param name="topic">The topic name.</param>
    /// <returns>The count.</returns>
    public int CountSubscribers(string topic) => _backend.Topics.SubscriberCount(topic);

    // Queue URLs carry the endpoint, known only once the server listens.
    private protected override void OnStarted(Uri endpoint) => _backend.Endpoint = endpoint;
}

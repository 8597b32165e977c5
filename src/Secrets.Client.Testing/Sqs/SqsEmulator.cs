namespace Secrets.Client.Testing;

/// <summary>
/// An in-process Amazon SQS on a loopback port, speaking the JSON protocol the current AWS SDKs use (<c>AWSSDK.SQS</c>
/// 4.x, <c>@aws-sdk/client-sqs</c>) with SigV4 verification: queues, send, receive with long polling and visibility
/// timeouts, delete, change visibility, tags and attributes. Topics fan a message out to every subscribed queue, as
/// SNS with raw message delivery does, so that each instance's queue gets its copy of an EventBridge event. Point a
/// client at <see cref="Endpoint"/> with <see cref="AccessKeyId"/>, <see cref="SecretAccessKey"/> and <see cref="Region"/>.
/// </summary>
/// <remarks>
/// Operations: CreateQueue, GetQueueUrl, DeleteQueue, ListQueues, SendMessage, ReceiveMessage, DeleteMessage,
/// DeleteMessageBatch, ChangeMessageVisibility, TagQueue, ListQueueTags, GetQueueAttributes, SetQueueAttributes and
/// PurgeQueue. All members are thread-safe.
/// </remarks>
public sealed class SqsEmulator : IAsyncDisposable
{
    private readonly SqsEmulatorOptions _options;
    private readonly SqsBackend _backend;
    private readonly SqsProtocol _protocol;
    private LoopbackServer? _server;

    private SqsEmulator(SqsEmulatorOptions options)
    {
        _options = options;
        _backend = new SqsBackend(options);
        _protocol = new SqsProtocol(options, _backend);
    }

    /// <summary>Gets the base address, for example <c>http://127.0.0.1:49152/</c>.</summary>
    public Uri Endpoint => Server.Endpoint;

    /// <summary>Gets the region the emulator serves.</summary>
    public string Region => _options.Region;

    /// <summary>Gets the account id in queue URLs and ARNs.</summary>
    public string AccountId => _options.AccountId;

    /// <summary>Gets the access key id the emulator accepts.</summary>
    public string AccessKeyId => _options.AccessKeyId;

    /// <summary>Gets the secret access key the emulator verifies signatures with (a test value, not a real credential).</summary>
    public string SecretAccessKey => _options.SecretAccessKey;

    /// <summary>Gets the fault knobs: latency, throttling, server errors and dropped connections.</summary>
    public EmulatorFaults Faults => _protocol.Faults;

    /// <summary>Gets every request, counted per operation name (for example <c>ReceiveMessage</c>).</summary>
    public EmulatorTraffic Traffic => _protocol.Traffic;

    /// <summary>Gets the names of the queues that exist, in order.</summary>
    public IReadOnlyList<string> QueueNames => [.. _backend.Queues.Select(q => q.Name).Order(StringComparer.Ordinal)];

    private LoopbackServer Server => _server ?? throw new InvalidOperationException("The emulator is not started.");

    /// <summary>Starts an emulator on a loopback port.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop.</returns>
    public static async Task<SqsEmulator> StartAsync(SqsEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SqsEmulatorOptions();
        options.Validate();
        var emulator = new SqsEmulator(options);
        emulator._server = await LoopbackServer.StartAsync(emulator._protocol.HandleAsync, useHttps: false, options.Port, cancellationToken).ConfigureAwait(false);
        emulator._backend.Endpoint = emulator._server.Endpoint;
        return emulator;
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
        return Seed(() => _backend.Subscribe(topic, _backend.Resolve(queueUrlOrName).Arn));
    }

    /// <summary>Removes a subscription.</summary>
    /// <param name="subscriptionArn">The ARN <see cref="Subscribe"/> returned.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public bool Unsubscribe(string subscriptionArn) => _backend.Unsubscribe(subscriptionArn);

    /// <summary>Publishes a message to a topic: every subscribed queue gets a copy of the body.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="body">The message body, for example an EventBridge event.</param>
    /// <returns>How many queues it reached.</returns>
    public int Publish(string topic, string body)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(body);
        return _backend.Publish(topic, body);
    }

    /// <summary>Gets how many queues are subscribed to a topic.</summary>
    /// <param name="topic">The topic name.</param>
    /// <returns>The count.</returns>
    public int CountSubscribers(string topic) => _backend.SubscriberCount(topic);

    /// <summary>Stops the emulator.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => _server is null ? "SqsEmulator (stopped)" : $"SqsEmulator {Endpoint} ({Region})";

    private static T Seed<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (AwsEmulatorException ex)
        {
            throw new InvalidOperationException($"{ex.Code}: {ex.Message}", ex);
        }
    }
}

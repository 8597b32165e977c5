using System.Security.Cryptography;
using System.Text;

namespace Secrets.Client.Testing;

/// <summary>
/// An in-process Google Cloud Pub/Sub on a loopback port speaking the v1 REST API (as <c>@google-cloud/pubsub</c>'s
/// REST fallback and REST clients do): topics, publish, subscriptions with ack deadlines and expiration policies, unary
/// pull that waits for messages, acknowledge and modifyAckDeadline, bearer authentication. Streaming pull (gRPC only)
/// is not served. Point a client at <see cref="LoopbackEmulator.Endpoint"/> with <see cref="TestToken"/>.
/// </summary>
/// <remarks>All members are thread-safe.</remarks>
public sealed class PubSubEmulator : LoopbackEmulator
{
    private readonly PubSubBackend _backend;
    private readonly PubSubEmulatorOptions _options;

    private PubSubEmulator(PubSubEmulatorOptions options, PubSubBackend backend, string token)
        : base(new PubSubProtocol(backend, options, token))
    {
        _options = options;
        _backend = backend;
        TestToken = token;
    }

    /// <summary>Gets the project the seeding helpers use.</summary>
    public string ProjectId => _options.ProjectId;

    /// <summary>Gets the bearer token the emulator accepts (a test value, not a credential).</summary>
    public string TestToken { get; }

    /// <summary>Gets the full names of the topics that exist.</summary>
    public IReadOnlyList<string> TopicNames => [.. _backend.Topics.Order(StringComparer.Ordinal)];

    /// <summary>Gets the full names of the subscriptions that exist (expired ones are gone, as in the service).</summary>
    public IReadOnlyList<string> SubscriptionNames => [.. _backend.Subscriptions.Select(s => s.Name).Order(StringComparer.Ordinal)];

    private protected override string Scope => "project " + ProjectId;

    /// <summary>Starts an emulator on a loopback port.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop.</returns>
    public static Task<PubSubEmulator> StartAsync(PubSubEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PubSubEmulatorOptions();
        options.Validate();
        var token = options.TestToken ?? "ya29.pubsub-emulator-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return ListenAsync(new PubSubEmulator(options, new PubSubBackend(options.TimeProvider), token), options, useHttps: false, cancellationToken);
    }

    /// <summary>Creates a topic if it does not exist.</summary>
    /// <param name="topic">The topic id, or its full name <c>projects/P/topics/T</c>.</param>
    /// <returns>The topic's full name.</returns>
    public string CreateTopic(string topic)
    {
        var name = TopicName(topic);
        _backend.CreateTopic(name);
        return name;
    }

    /// <summary>Publishes a message to a topic, as <c>topics.publish</c> does.</summary>
    /// <param name="topic">The topic id or full name.</param>
    /// <param name="data">The message data (UTF-8).</param>
    /// <param name="attributes">The attributes, if any.</param>
    /// <returns>The message id.</returns>
    public string Publish(string topic, string data, IReadOnlyDictionary<string, string>? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Seed(() => _backend.Publish(TopicName(topic), Encoding.UTF8.GetBytes(data), attributes ?? new Dictionary<string, string>()));
    }

    /// <summary>Creates a subscription to a topic.</summary>
    /// <param name="subscription">The subscription id or full name.</param>
    /// <param name="topic">The topic id or full name.</param>
    /// <param name="expireAfter">The expiration policy's TTL (deleted after this long without pulls), or null for never.</param>
    /// <returns>The subscription's full name.</returns>
    public string CreateSubscription(string subscription, string topic, TimeSpan? expireAfter = null) =>
        Seed(() => _backend.CreateSubscription(SubscriptionName(subscription), TopicName(topic), 10, expireAfter).Name);

    /// <summary>Counts a subscription's messages: ready to pull, and leased to a puller but not acknowledged.</summary>
    /// <param name="subscription">The subscription id or full name.</param>
    /// <returns>The counts.</returns>
    public (int Ready, int Leased) CountMessages(string subscription) => Seed(() => _backend.FindSubscription(SubscriptionName(subscription)).Count(_backend.Now));

    private string TopicName(string topic)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return topic.StartsWith("projects/", StringComparison.Ordinal) ? topic : $"projects/{ProjectId}/topics/{topic}";
    }

    private string SubscriptionName(string subscription)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscription);
        return subscription.StartsWith("projects/", StringComparison.Ordinal) ? subscription : $"projects/{ProjectId}/subscriptions/{subscription}";
    }
}

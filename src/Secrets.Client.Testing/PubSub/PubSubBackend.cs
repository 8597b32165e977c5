using System.Collections.Concurrent;
using System.Globalization;

namespace Secrets.Client.Testing;

/// <summary>The emulated Pub/Sub: topics by full name, subscriptions by full name, fan-out of each publish to every subscription of the topic.</summary>
internal sealed class PubSubBackend(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PubSubSubscription> _subscriptions = new(StringComparer.Ordinal);
    private long _messageIds;

    public DateTimeOffset Now => time.GetUtcNow();

    public IReadOnlyCollection<string> Topics => [.. _topics.Keys];

    public IReadOnlyCollection<PubSubSubscription> Subscriptions
    {
        get
        {
            Sweep();
            return [.. _subscriptions.Values];
        }
    }

    public static EmulatorException Error(int status, string code, string message) => new(status, code, message);

    public bool CreateTopic(string name, Dictionary<string, string>? labels = null) => _topics.TryAdd(name, labels ?? new(StringComparer.Ordinal));

    public bool TopicExists(string name) => _topics.ContainsKey(name);

    public bool DeleteTopic(string name) => _topics.TryRemove(name, out _);

    public PubSubSubscription CreateSubscription(string name, string topic, int ackDeadlineSeconds, TimeSpan? ttl)
    {
        Sweep();
        if (!_topics.ContainsKey(topic))
        {
            throw Error(404, "NOT_FOUND", $"Resource not found (resource={topic[(topic.LastIndexOf('/') + 1)..]}).");
        }

        var subscription = new PubSubSubscription(name, topic, ackDeadlineSeconds, ttl, Now);
        return _subscriptions.TryAdd(name, subscription) ? subscription : throw Error(409, "ALREADY_EXISTS", "Resource already exists in the project (resource=" + name[(name.LastIndexOf('/') + 1)..] + ").");
    }

    public PubSubSubscription FindSubscription(string name)
    {
        Sweep();
        return _subscriptions.TryGetValue(name, out var subscription)
            ? subscription
            : throw Error(404, "NOT_FOUND", $"Resource not found (resource={name[(name.LastIndexOf('/') + 1)..]}).");
    }

    public bool DeleteSubscription(string name)
    {
        if (_subscriptions.TryRemove(name, out var subscription))
        {
            subscription.Wake();
            return true;
        }

        return false;
    }

    public string Publish(string topic, byte[] data, IReadOnlyDictionary<string, string> attributes, string? orderingKey = null)
    {
        if (!_topics.ContainsKey(topic))
        {
            throw Error(404, "NOT_FOUND", $"Resource not found (resource={topic[(topic.LastIndexOf('/') + 1)..]}).");
        }

        Sweep();
        var message = new PubSubMessage(Interlocked.Increment(ref _messageIds).ToString(CultureInfo.InvariantCulture), data, attributes, Now, orderingKey);
        foreach (var subscription in _subscriptions.Values)
        {
            if (subscription.Topic == topic)
            {
                subscription.Add(message);
            }
        }

        return message.MessageId;
    }

    /// <summary>Deletes subscriptions whose expiration policy ran out (no pull for their TTL), as the service does.</summary>
    private void Sweep()
    {
        var now = Now;
        foreach (var (name, subscription) in _subscriptions)
        {
            if (subscription.Expired(now))
            {
                DeleteSubscription(name);
            }
        }
    }
}

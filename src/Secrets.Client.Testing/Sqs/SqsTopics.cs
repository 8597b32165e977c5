using System.Collections.Concurrent;

namespace Secrets.Client.Testing;

/// <summary>
/// Topics that fan a message out to every subscribed queue, as SNS with raw message delivery does: how each instance's
/// queue gets its own copy of an EventBridge event.
/// </summary>
internal sealed class SqsTopics(SqsEmulatorOptions options, Func<string, SqsQueue?> findQueue)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> _topics = new(StringComparer.Ordinal);

    /// <summary>Subscribes a queue (by ARN) to a topic; returns the subscription ARN.</summary>
    public string Subscribe(string topic, string queueArn)
    {
        var subscription = $"arn:aws:sns:{options.Region}:{options.AccountId}:{topic}:{Guid.NewGuid()}";
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
            var queue = findQueue(queueArn);
            if (queue is not null)
            {
                queue.Send(body, 0, "sns.amazonaws.com");
                delivered++;
            }
        }

        return delivered;
    }

    public int SubscriberCount(string topic) => _topics.TryGetValue(topic, out var subscribers) ? subscribers.Count : 0;

    /// <summary>Drops every subscription of a deleted queue.</summary>
    public void Forget(string queueArn)
    {
        foreach (var subscribers in _topics.Values)
        {
            subscribers.TryRemove(queueArn, out _);
        }
    }
}

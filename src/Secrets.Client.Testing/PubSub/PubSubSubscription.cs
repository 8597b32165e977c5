using System.Security.Cryptography;

namespace Secrets.Client.Testing;

/// <summary>
/// One emulated subscription: its copy of every message published to its topic after it was created, leased to a
/// puller until acknowledged or the ack deadline passes (then delivered again), an expiration policy that deletes it
/// after a time without pulls, and a signal that wakes waiting pulls. Guarded by locking it.
/// </summary>
internal sealed class PubSubSubscription
{
    private readonly List<PubSubDelivery> _messages = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PubSubSubscription(string name, string topic, int ackDeadlineSeconds, TimeSpan? ttl, DateTimeOffset now)
    {
        Name = name;
        Topic = topic;
        AckDeadlineSeconds = ackDeadlineSeconds;
        Ttl = ttl;
        LastActive = now;
    }

    public string Name { get; }

    public string Topic { get; }

    public int AckDeadlineSeconds { get; }

    public TimeSpan? Ttl { get; }

    public DateTimeOffset LastActive { get; set; }

    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    public bool Expired(DateTimeOffset now) => Ttl is { } ttl && now - LastActive >= ttl;

    public void Add(PubSubMessage message)
    {
        TaskCompletionSource arrived;
        lock (this)
        {
            _messages.Add(new PubSubDelivery(message));
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
    }

    public (List<(string AckId, PubSubMessage Message, int Attempt)> Leased, Task Arrival) Lease(int max, DateTimeOffset now)
    {
        var leased = new List<(string, PubSubMessage, int)>();
        lock (this)
        {
            LastActive = now;
            foreach (var delivery in _messages)
            {
                if (leased.Count == max)
                {
                    break;
                }

                if (delivery.LeasedUntil <= now)
                {
                    delivery.AckId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('/', '_').Replace('+', '-');
                    delivery.Attempts++;
                    delivery.LeasedUntil = now.AddSeconds(AckDeadlineSeconds);
                    leased.Add((delivery.AckId, delivery.Message, delivery.Attempts));
                }
            }

            return (leased, _arrived.Task);
        }
    }

    public int Acknowledge(IEnumerable<string> ackIds)
    {
        var ids = ackIds.ToHashSet(StringComparer.Ordinal);
        lock (this)
        {
            return _messages.RemoveAll(d => d.AckId is not null && ids.Contains(d.AckId));
        }
    }

    public void ModifyDeadline(IEnumerable<string> ackIds, int seconds, DateTimeOffset now)
    {
        var ids = ackIds.ToHashSet(StringComparer.Ordinal);
        lock (this)
        {
            foreach (var delivery in _messages.Where(d => d.AckId is not null && ids.Contains(d.AckId)))
            {
                delivery.LeasedUntil = now.AddSeconds(seconds);
            }
        }

        Wake();
    }

    public (int Ready, int Leased) Count(DateTimeOffset now)
    {
        lock (this)
        {
            var ready = _messages.Count(d => d.LeasedUntil <= now);
            return (ready, _messages.Count - ready);
        }
    }

    public void Wake()
    {
        TaskCompletionSource arrived;
        lock (this)
        {
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
    }

    private sealed class PubSubDelivery(PubSubMessage message)
    {
        public PubSubMessage Message { get; } = message;

        public string? AckId { get; set; }

        public int Attempts { get; set; }

        public DateTimeOffset LeasedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}

/// <summary>A published message.</summary>
internal sealed record PubSubMessage(string MessageId, byte[] Data, IReadOnlyDictionary<string, string> Attributes, DateTimeOffset PublishTime, string? OrderingKey);

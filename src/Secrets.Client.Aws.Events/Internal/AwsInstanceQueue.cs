using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Secrets.Client.Aws.Events;

/// <summary>The per-instance queue's life: create, allow the topic, subscribe, heartbeat, delete, and reap the queues of dead instances.</summary>
internal sealed class AwsInstanceQueue(IAmazonSQS sqs, AwsInstanceQueueOptions options, TimeProvider time, Func<double> random)
{
    private DateTimeOffset _nextHeartbeat;
    private DateTimeOffset _nextReap;
    private string? _subscriptionArn;

    public string Name => options.NamePrefix + options.InstanceId;

    public string? Url { get; private set; }

    public async Task<string> CreateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var created = await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = Name,
            Tags = new Dictionary<string, string> { [AwsInstanceQueueOptions.HeartbeatTag] = Stamp(now) },
        }, cancellationToken).ConfigureAwait(false);
        Url = created.QueueUrl;
        if (options.Subscribe is { } subscribe && options.TopicArn is { } topic)
        {
            var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = Url, AttributeNames = ["QueueArn"] }, cancellationToken).ConfigureAwait(false);
            var queueArn = attributes.Attributes?.GetValueOrDefault("QueueArn") ?? throw new InvalidOperationException($"SQS returned no ARN for queue {Name}.");
            await sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest
            {
                QueueUrl = Url,
                Attributes = new Dictionary<string, string> { ["Policy"] = TopicPolicy(queueArn, topic) },
            }, cancellationToken).ConfigureAwait(false);
            _subscriptionArn = await subscribe(topic, queueArn, cancellationToken).ConfigureAwait(false);
            await sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = Url, Tags = new Dictionary<string, string> { [AwsInstanceQueueOptions.SubscriptionTag] = _subscriptionArn } }, cancellationToken).ConfigureAwait(false);
        }

        _nextHeartbeat = now + options.HeartbeatInterval;
        _nextReap = now; // reap once at start: a restarted fleet cleans up after the one it replaced
        return Url;
    }

    /// <summary>Refreshes the heartbeat and reaps when due; called between receives.</summary>
    public async Task MaintainAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (Url is not null && now >= _nextHeartbeat)
        {
            await sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = Url, Tags = new Dictionary<string, string> { [AwsInstanceQueueOptions.HeartbeatTag] = Stamp(now) } }, cancellationToken).ConfigureAwait(false);
            _nextHeartbeat = now + options.HeartbeatInterval;
        }

        if (now >= _nextReap)
        {
            // Jittered so that instances started together do not reap together.
            _nextReap = now + (options.ReapInterval * (0.75 + (0.5 * Math.Clamp(random(), 0, 1))));
            await ReapAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        if (_subscriptionArn is not null && options.Unsubscribe is { } unsubscribe)
        {
            await unsubscribe(_subscriptionArn, cancellationToken).ConfigureAwait(false);
        }

        if (Url is not null)
        {
            await sqs.DeleteQueueAsync(new DeleteQueueRequest { QueueUrl = Url }, cancellationToken).ConfigureAwait(false);
            Url = null;
        }
    }

    /// <summary>Deletes sampled queues of the prefix whose heartbeat is older than DeadAfter; returns how many.</summary>
    public async Task<int> ReapAsync(CancellationToken cancellationToken)
    {
        var listed = await sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = options.NamePrefix }, cancellationToken).ConfigureAwait(false);
        var others = (listed.QueueUrls ?? []).Where(url => !string.Equals(url, Url, StringComparison.Ordinal)).ToList();
        var reaped = 0;
        var now = time.GetUtcNow();
        for (var i = 0; i < options.ReapSampleSize && others.Count > 0; i++)
        {
            var pick = Math.Min(others.Count - 1, (int)(Math.Clamp(random(), 0, 1) * others.Count));
            var url = others[pick];
            others.RemoveAt(pick);
            Dictionary<string, string>? tags;
            try
            {
                tags = (await sqs.ListQueueTagsAsync(new ListQueueTagsRequest { QueueUrl = url }, cancellationToken).ConfigureAwait(false)).Tags;
            }
            catch (QueueDoesNotExistException)
            {
                continue; // reaped by another instance meanwhile
            }

            if (tags is null || !tags.TryGetValue(AwsInstanceQueueOptions.HeartbeatTag, out var stamp)
                || !long.TryParse(stamp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
                || now - DateTimeOffset.FromUnixTimeSeconds(seconds) < options.DeadAfter)
            {
                continue; // alive, or not one of ours
            }

            if (tags.TryGetValue(AwsInstanceQueueOptions.SubscriptionTag, out var subscription) && options.Unsubscribe is { } unsubscribe)
            {
                await unsubscribe(subscription, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await sqs.DeleteQueueAsync(new DeleteQueueRequest { QueueUrl = url }, cancellationToken).ConfigureAwait(false);
                reaped++;
            }
            catch (QueueDoesNotExistException)
            {
                // Another reaper was first.
            }
        }

        return reaped;
    }

    private static string Stamp(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string TopicPolicy(string queueArn, string topicArn) =>
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"sns.amazonaws.com\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"" + queueArn
        + "\",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\"" + topicArn + "\"}}}]}";
}

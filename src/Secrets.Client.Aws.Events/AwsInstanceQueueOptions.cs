namespace Secrets.Client.Aws.Events;

/// <summary>
/// A queue per instance: the listener creates <c>{NamePrefix}{InstanceId}</c> tagged with a heartbeat, subscribes it
/// to the SNS topic the EventBridge rule publishes to (through <see cref="Subscribe"/>), refreshes the heartbeat while
/// it runs, and unsubscribes and deletes the queue when the host stops. An instance that dies cannot clean up, so every
/// listener also reaps: now and then it looks at a few other queues of the prefix and deletes those whose heartbeat is
/// older than <see cref="DeadAfter"/> (and their subscription), so no queue outlives its instance for long.
/// </summary>
public sealed class AwsInstanceQueueOptions
{
    /// <summary>The tag holding the last heartbeat (Unix seconds).</summary>
    public const string HeartbeatTag = "secrets-client:heartbeat";

    /// <summary>The tag holding the queue's SNS subscription ARN, so that a reaper can unsubscribe it.</summary>
    public const string SubscriptionTag = "secrets-client:subscription";

    /// <summary>Gets or sets the queue name prefix shared by the fleet (the reaper only looks at these). Default <c>secrets-client-</c>.</summary>
    public string NamePrefix { get; set; } = "secrets-client-";

    /// <summary>Gets or sets this instance's id in the queue name; letters, digits, '-' and '_'. Default: random.</summary>
    public string InstanceId { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>Gets or sets the ARN of the SNS topic the EventBridge rule targets; passed to <see cref="Subscribe"/>.</summary>
    public string? TopicArn { get; set; }

    /// <summary>
    /// Gets or sets how the queue is subscribed to the topic, given the topic ARN and the queue ARN, returning the
    /// subscription ARN: with <c>AWSSDK.SimpleNotificationService</c>, one <c>SubscribeAsync</c> with protocol <c>sqs</c>
    /// and <c>RawMessageDelivery=true</c>. The listener sets the queue policy that lets the topic send to it first.
    /// Null when something else subscribes the queue.
    /// </summary>
    public Func<string, string, CancellationToken, Task<string>>? Subscribe { get; set; }

    /// <summary>Gets or sets how a subscription is removed (on stop, and by the reaper), given its ARN.</summary>
    public Func<string, CancellationToken, Task>? Unsubscribe { get; set; }

    /// <summary>
    /// Gets or sets how often the heartbeat tag is refreshed. Default 30 minutes (48 TagQueue calls a day per instance;
    /// the fleet simulation found a 5-minute heartbeat cost 0.17 % of polling's bill for nothing: a dead instance's queue
    /// only has to go within hours, its SNS deliveries are what it costs).
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Gets or sets how old a heartbeat must be for its queue to count as left by a dead instance; more than twice <see cref="HeartbeatInterval"/>. Default 2 hours.</summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Gets or sets how often this instance reaps. Default 1 hour (with the fleet sampling, dead queues go within minutes of <see cref="DeadAfter"/>).</summary>
    public TimeSpan ReapInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how many other queues one reap inspects, picked at random: a fleet of N instances inspects N times
    /// this per interval, so reaping costs O(N) calls however many queues exist. Default 10.
    /// </summary>
    public int ReapSampleSize { get; set; } = 10;

    internal void Validate()
    {
        var name = NamePrefix + InstanceId;
        if (name.Length is 0 or > 80 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"{nameof(AwsInstanceQueueOptions)}.{nameof(NamePrefix)} + {nameof(InstanceId)} must be 1 to 80 letters, digits, '-' or '_'.", nameof(InstanceId));
        }

        if (HeartbeatInterval <= TimeSpan.Zero || DeadAfter <= HeartbeatInterval * 2 || ReapInterval <= TimeSpan.Zero || ReapSampleSize < 0)
        {
            throw new ArgumentException($"{nameof(AwsInstanceQueueOptions)}: {nameof(HeartbeatInterval)} and {nameof(ReapInterval)} must be positive, {nameof(DeadAfter)} more than twice the heartbeat, {nameof(ReapSampleSize)} not negative.", nameof(DeadAfter));
        }

        if ((Subscribe is null) != (TopicArn is null))
        {
            throw new ArgumentException($"{nameof(AwsInstanceQueueOptions)}.{nameof(Subscribe)} and {nameof(TopicArn)} go together.", nameof(Subscribe));
        }
    }
}

namespace Secrets.Client.Aws.Events;

/// <summary>
/// Settings of an <see cref="AwsSecretChangeListener"/>: which queue to read (one given by IaC in <see cref="QueueUrl"/>,
/// or a queue per instance the listener creates, subscribes and cleans up, in <see cref="InstanceQueue"/>), how to
/// long-poll it, and which events to trust.
/// </summary>
public sealed class AwsSecretChangeListenerOptions : SecretChangeListenerOptions
{
    /// <summary>Initializes a new instance of the <see cref="AwsSecretChangeListenerOptions"/> class, for the provider <c>aws-sm</c>.</summary>
    public AwsSecretChangeListenerOptions()
    {
        ProviderName = "aws-sm";
    }

    /// <summary>Gets or sets the URL of a queue that only this instance reads (made by IaC). Give this or <see cref="InstanceQueue"/>.</summary>
    public string? QueueUrl { get; set; }

    /// <summary>Gets or sets the settings of a queue per instance that the listener creates, subscribes, keeps alive and deletes.</summary>
    public AwsInstanceQueueOptions? InstanceQueue { get; set; }

    /// <summary>Gets or sets how long one receive waits for a message (long polling), 1 to 20 seconds. Default 20.</summary>
    public int WaitTimeSeconds { get; set; } = 20;

    /// <summary>Gets or sets the most messages one receive takes, 1 to 10. Default 10.</summary>
    public int MaxMessages { get; set; } = 10;

    /// <summary>
    /// Gets or sets how long a received message stays hidden from other receives before it is delivered again if not
    /// deleted (the listener deletes it right after handing it to the store). Default 30 seconds.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the account whose events are accepted; events of another account are ignored. Null accepts any.</summary>
    public string? ExpectedAccountId { get; set; }

    /// <summary>Gets or sets the region whose events are accepted; null accepts any (replicated secrets change in every region).</summary>
    public string? ExpectedRegion { get; set; }

    /// <summary>
    /// Gets or sets how long a <c>RotationSucceeded</c> that arrives before its rotation's stage move to <c>AWSCURRENT</c>
    /// is held for that stage move, 0 to 30 seconds; zero hands it over at once. Default 15 seconds.
    /// </summary>
    /// <remarks>
    /// Events reach a queue with their own delays, so a rotation's <c>RotationSucceeded</c> (which names no version and
    /// costs a version check) often overtakes its stage move (which names the version the store fetches). Held, it is
    /// dropped when the stage move follows within the window (ignored as <c>rotation-already-current</c>), and handed over
    /// when the window ends without one (the stage move was lost): an instance then has the new value at most this long
    /// after it would have had it without the window. Its SQS message is deleted on receipt; a listener stopped while
    /// holding hands the held events over, one disposed without a stop drops them, and a crash loses them to the safety net.
    /// </remarks>
    public TimeSpan RotationConfirmationDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrEmpty(QueueUrl) == (InstanceQueue is null))
        {
            throw new ArgumentException($"Give {nameof(AwsSecretChangeListenerOptions)}.{nameof(QueueUrl)} or {nameof(InstanceQueue)}, not both or neither.", nameof(QueueUrl));
        }

        if (WaitTimeSeconds is < 1 or > 20)
        {
            throw new ArgumentException($"{nameof(AwsSecretChangeListenerOptions)}.{nameof(WaitTimeSeconds)} must be 1 to 20.", nameof(WaitTimeSeconds));
        }

        if (MaxMessages is < 1 or > 10)
        {
            throw new ArgumentException($"{nameof(AwsSecretChangeListenerOptions)}.{nameof(MaxMessages)} must be 1 to 10.", nameof(MaxMessages));
        }

        if (VisibilityTimeout < TimeSpan.FromSeconds(1) || VisibilityTimeout > TimeSpan.FromHours(12))
        {
            throw new ArgumentException($"{nameof(AwsSecretChangeListenerOptions)}.{nameof(VisibilityTimeout)} must be 1 second to 12 hours.", nameof(VisibilityTimeout));
        }

        if (RotationConfirmationDelay < TimeSpan.Zero || RotationConfirmationDelay > TimeSpan.FromSeconds(30))
        {
            throw new ArgumentException($"{nameof(AwsSecretChangeListenerOptions)}.{nameof(RotationConfirmationDelay)} must be 0 to 30 seconds.", nameof(RotationConfirmationDelay));
        }

        InstanceQueue?.Validate();
    }
}

using System.Diagnostics.Metrics;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Aws.Events;

/// <summary>
/// Listens for Secrets Manager changes on Amazon SQS with <c>AWSSDK.SQS</c>: an EventBridge rule matching Secrets
/// Manager's CloudTrail events (PutSecretValue, UpdateSecretVersionStage, RotationSucceeded, UpdateSecret,
/// DeleteSecret, RestoreSecret, ...) delivers them, through an SNS topic, to a queue per instance. Each long poll's
/// messages are handed to the store as <see cref="SecretChangeNotification"/>s (the store fetches a version the event
/// names, or checks the version when it names none) and then deleted; a rotation's first steps, which create a version
/// that is not <c>AWSCURRENT</c> yet (<c>RotateSecret</c>, <c>PutSecretValue</c> to <c>AWSPENDING</c>), are ignored as
/// <c>not-current</c>: its stage move and <c>RotationSucceeded</c> carry the change, and a <c>RotationSucceeded</c> that
/// follows a stage move to <c>AWSCURRENT</c> the listener already handed over for that secret (within 15 minutes by event
/// time) is ignored as <c>rotation-already-current</c>. One that comes first is held for
/// <see cref="AwsSecretChangeListenerOptions.RotationConfirmationDelay"/>: dropped the same way if the stage move follows
/// within it, handed over when it ends. Starts and stops with the host; reconnects with backoff.
/// </summary>
/// <remarks>See <c>docs/rotation.md</c> for the EventBridge rule, the topic and the IAM the listener needs.</remarks>
public sealed class AwsSecretChangeListener : SecretChangeListener
{
    /// <summary>The listener's name in metrics, logs and audit.</summary>
    public const string SourceName = "aws-sqs";

    /// <summary>
    /// The EventBridge event pattern to put on the rule that feeds the listener's topic (Terraform:
    /// <c>event_pattern = &lt;this JSON&gt;</c>): Secrets Manager's CloudTrail events that the listener acts on, and
    /// none that it would only delete. A <c>PutSecretValue</c> is delivered when its <c>versionStages</c> include
    /// <c>AWSCURRENT</c> or are absent (Secrets Manager then makes the new version current); a rotation's first steps
    /// (<c>RotateSecret</c>, a rotation function's <c>PutSecretValue</c> to <c>AWSPENDING</c>) are left out at the
    /// source, where filtering is free, instead of costing every instance a receive and a delete. The stage move to
    /// <c>AWSCURRENT</c> and <c>RotationSucceeded</c> (the second signal of a rotation) are delivered.
    /// </summary>
    /// <remarks>
    /// Uses EventBridge's <c>$or</c>, <c>exists</c> and array matching (a value list matches an event array when they
    /// share an element). A property rather than a constant so that an update reaches callers without a rebuild.
    /// </remarks>
    public static string RecommendedEventPattern => RecommendedEventPatternJson;

    private const string RecommendedEventPatternJson = """
        {
          "source": ["aws.secretsmanager"],
          "detail-type": ["AWS API Call via CloudTrail", "AWS Service Event via CloudTrail"],
          "detail": {
            "$or": [
              { "eventName": ["UpdateSecret", "UpdateSecretVersionStage", "RotationSucceeded", "DeleteSecret", "RestoreSecret",
                "CancelRotateSecret", "CreateSecret", "ReplicateSecretToRegions", "RemoveRegionsFromReplication",
                "StopReplicationToReplica", "SecretVersionDeletion", "EndSecretVersionDelete"] },
              { "eventName": ["PutSecretValue"], "requestParameters": { "versionStages": ["AWSCURRENT"] } },
              { "eventName": ["PutSecretValue"], "requestParameters": { "versionStages": [{ "exists": false }] } }
            ]
          }
        }
        """;

    private static readonly List<string> WantedAttributes = ["SentTimestamp"];
    private readonly IAmazonSQS _sqs;
    private readonly AwsSecretChangeListenerOptions _options;
    private readonly AwsInstanceQueue? _instanceQueue;
    private readonly AwsStageMoves _stageMoves = new();
    private readonly AwsHeldRotations _heldRotations;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _handOversLock = new();
    private readonly List<Task> _handOvers = [];
    private string? _queueUrl;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="AwsSecretChangeListener"/> class.</summary>
    /// <param name="store">The store to notify.</param>
    /// <param name="sqs">The SQS client (its credentials, region and retry settings are the caller's).</param>
    /// <param name="options">Settings; validated now.</param>
    /// <param name="loggerFactory">Logging; nothing is logged when null.</param>
    /// <param name="meterFactory">Creates the listener meter; a standalone meter when null.</param>
    public AwsSecretChangeListener(ISecretStore store, IAmazonSQS sqs, AwsSecretChangeListenerOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base(SourceName, store, options, loggerFactory, meterFactory)
    {
        ArgumentNullException.ThrowIfNull(sqs);
        _sqs = sqs;
        _options = options;
        _queueUrl = options.QueueUrl;
        if (options.InstanceQueue is { } instance)
        {
            _instanceQueue = new AwsInstanceQueue(sqs, instance, options.TimeProvider, options.Randomizer);
        }

        _heldRotations = new AwsHeldRotations(options.TimeProvider, options.RotationConfirmationDelay, StartHeldHandOver);
    }

    /// <summary>Gets the URL of the queue being read; null before a per-instance queue exists.</summary>
    public string? QueueUrl => _queueUrl;

    /// <summary>Inspects a sample of the fleet's queues now and deletes those left by dead instances (the listener also does it periodically).</summary>
    /// <param name="cancellationToken">Cancels the reap.</param>
    /// <returns>How many queues were deleted.</returns>
    /// <exception cref="InvalidOperationException">The listener reads a given queue, not per-instance ones.</exception>
    public Task<int> ReapDeadQueuesAsync(CancellationToken cancellationToken = default) =>
        (_instanceQueue ?? throw new InvalidOperationException("Reaping needs AwsSecretChangeListenerOptions.InstanceQueue.")).ReapAsync(cancellationToken);

    /// <inheritdoc/>
    protected override async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (_instanceQueue is not null)
        {
            _queueUrl = await _instanceQueue.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    protected override async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        if (_instanceQueue is not null)
        {
            await _instanceQueue.MaintainAsync(cancellationToken).ConfigureAwait(false);
        }

        var response = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = _queueUrl,
            WaitTimeSeconds = _options.WaitTimeSeconds,
            MaxNumberOfMessages = _options.MaxMessages,
            VisibilityTimeout = (int)_options.VisibilityTimeout.TotalSeconds,
            MessageSystemAttributeNames = WantedAttributes,
        }, cancellationToken).ConfigureAwait(false);
        var messages = response.Messages ?? [];
        if (messages.Count == 0)
        {
            return;
        }

        var done = new List<DeleteMessageBatchRequestEntry>(messages.Count);
        foreach (var message in messages)
        {
            var (notification, ignored) = AwsChangeEventParser.Parse(message.Body ?? string.Empty, _options, Source);
            if (notification is not null && _stageMoves.AlreadyHandedOver(notification))
            {
                // The store already fetches the version this rotation's stage move named: its check would find it.
                (notification, ignored) = (null, "rotation-already-current");
            }
            else if (notification is not null)
            {
                switch (_heldRotations.TryHold(notification))
                {
                    case HoldResult.Held:
                        // Deleted now with the batch: the stage move decides it, or the window's end; lost in a crash
                        // meanwhile, it is a lost event like any other, which the safety net covers.
                        AwsListenerLog.RotationHeld(Logger, Source, notification.SecretName, _options.RotationConfirmationDelay);
                        done.Add(Entry(done.Count, message));
                        continue;
                    case HoldResult.Duplicate:
                        (notification, ignored) = (null, "coalesced"); // the held one decides for both
                        break;
                }
            }

            await DeliverAsync(notification, ignored, cancellationToken).ConfigureAwait(false);
            if (notification is not null)
            {
                _stageMoves.Record(notification);
                foreach (var _ in _heldRotations.TakeConfirmed(notification, _stageMoves.AlreadyHandedOver))
                {
                    // A RotationSucceeded held for this stage move: the store fetches the version the move named.
                    await DeliverAsync(null, "rotation-already-current", cancellationToken).ConfigureAwait(false);
                }
            }

            // Malformed or foreign messages are deleted too: delivered again they would only be ignored again.
            done.Add(Entry(done.Count, message));
        }

        await _sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest { QueueUrl = _queueUrl, Entries = done }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops receiving, hands over every <c>RotationSucceeded</c> still held (the store outlives the listener), and cleans up.</summary>
    /// <param name="cancellationToken">Bounds the stop.</param>
    /// <returns>A task that completes when the listener has stopped.</returns>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        foreach (var held in _heldRotations.TakeAll())
        {
            await HandOverHeldAsync(held, cancellationToken).ConfigureAwait(false);
        }

        Task[] running;
        lock (_handOversLock)
        {
            running = [.. _handOvers];
            _handOvers.Clear();
        }

        await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops any <c>RotationSucceeded</c> still held (a stop hands them over first) and releases the listener.</summary>
    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _heldRotations.Dispose();
        _disposing.Cancel();
        _disposing.Dispose();
        base.Dispose();
    }

    private static DeleteMessageBatchRequestEntry Entry(int index, Message message) =>
        new() { Id = index.ToString(System.Globalization.CultureInfo.InvariantCulture), ReceiptHandle = message.ReceiptHandle };

    /// <summary>A held event's window ended with no stage move (on a timer thread): hand it over, tracked so that a stop awaits it.</summary>
    private void StartHeldHandOver(SecretChangeNotification held)
    {
        AwsListenerLog.HeldRotationHandedOver(Logger, Source, held.SecretName);
        CancellationToken token;
        try
        {
            token = _disposing.Token;
        }
        catch (ObjectDisposedException)
        {
            return; // disposed meanwhile: dropped, as Dispose drops what is held
        }

        var handOver = HandOverHeldAsync(held, token);
        lock (_handOversLock)
        {
            _handOvers.RemoveAll(t => t.IsCompleted);
            _handOvers.Add(handOver);
        }
    }

    private async Task HandOverHeldAsync(SecretChangeNotification held, CancellationToken cancellationToken)
    {
        try
        {
            await DeliverAsync(held, null, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed hand-over has no caller to throw to; the safety net brings the value.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AwsListenerLog.HeldRotationFailed(Logger, Source, held.SecretName, ex.GetType().Name);
        }
    }

    /// <inheritdoc/>
    protected override Task CloseAsync(CancellationToken cancellationToken) =>
        _instanceQueue?.DeleteAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc/>
    protected override bool RequiresReopen(Exception failure) => _instanceQueue is not null && failure is QueueDoesNotExistException;
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Gcp;

/// <summary>
/// Listens for Secret Manager's Pub/Sub notifications (SECRET_VERSION_ADD, SECRET_UPDATE, SECRET_DELETE,
/// SECRET_VERSION_ENABLE/DISABLE/DESTROY) over Pub/Sub's REST API with Google.Apis.Auth credentials: a unary pull that
/// the server holds until a message comes, each message handed to the store as a <see cref="SecretChangeNotification"/>
/// (the store checks the version and fetches only if it moved), then acknowledged. With
/// <see cref="GcpSecretChangeListenerOptions.Topic"/> it pulls from a subscription of its own with an expiration
/// policy, deleted on stop and by Pub/Sub if the instance dies. Starts and stops with the host; reconnects with backoff.
/// </summary>
public sealed class GcpSecretChangeListener : SecretChangeListener
{
    /// <summary>The listener's name in metrics, logs and audit.</summary>
    public const string SourceName = "gcp-pubsub";

    private readonly GcpSecretChangeListenerOptions _options;
    private readonly PubSubRestClient _client;
    private readonly bool _ownsSubscription;

    /// <summary>Initializes a new instance of the <see cref="GcpSecretChangeListener"/> class.</summary>
    /// <param name="store">The store to notify.</param>
    /// <param name="options">Settings; validated now.</param>
    /// <param name="loggerFactory">Logging; nothing is logged when null.</param>
    /// <param name="meterFactory">Creates the listener meter; a standalone meter when null.</param>
    public GcpSecretChangeListener(ISecretStore store, GcpSecretChangeListenerOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base(SourceName, store, options, loggerFactory, meterFactory)
    {
        _options = options;
        _client = new PubSubRestClient(options);
        _ownsSubscription = options.Subscription is null;
        SubscriptionName = options.Subscription ?? $"projects/{options.Topic!.Split('/')[1]}/subscriptions/{options.SubscriptionPrefix}{options.InstanceId}";
    }

    /// <summary>Gets the full name of the subscription pulled.</summary>
    public string SubscriptionName { get; }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override Task OpenAsync(CancellationToken cancellationToken) =>
        _ownsSubscription
            ? _client.CreateSubscriptionAsync(SubscriptionName, _options.Topic!, _options.AckDeadlineSeconds, _options.SubscriptionExpiration, cancellationToken)
            : Task.CompletedTask;

    /// <inheritdoc/>
    protected override async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        List<PulledMessage> messages;
        using (var pull = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            pull.CancelAfter(_options.PullTimeout);
            try
            {
                messages = await _client.PullAsync(SubscriptionName, _options.MaxMessages, pull.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return; // the pull's own deadline: nothing came, ask again
            }
        }

        if (messages.Count == 0)
        {
            return;
        }

        foreach (var message in messages)
        {
            var (notification, ignored) = GcpNotificationParser.Parse(message.Attributes, message.PublishTime, _options, Source);
            await DeliverAsync(notification, ignored, cancellationToken).ConfigureAwait(false);
        }

        // Malformed and irrelevant messages are acknowledged too: delivered again they would only be ignored again.
        await _client.AcknowledgeAsync(SubscriptionName, messages.Select(m => m.AckId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override Task CloseAsync(CancellationToken cancellationToken) =>
        _ownsSubscription ? _client.DeleteSubscriptionAsync(SubscriptionName, cancellationToken) : Task.CompletedTask;

    /// <inheritdoc/>
    protected override bool RequiresReopen(Exception failure) => _ownsSubscription && failure is PubSubRequestException { StatusCode: 404 };
}

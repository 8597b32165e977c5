using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Azure.Events;

/// <summary>
/// The webhook's state and counts on the shared <see cref="SecretChangeListener"/> base: Event Grid pushes, so there is
/// no receive loop (it is never started as a hosted service); each authenticated request marks it connected and its
/// events go through the base's delivery, so the webhook reports the same metrics and status as every other listener.
/// </summary>
internal sealed class EventGridWebhookListener : SecretChangeListener
{
    public EventGridWebhookListener(ISecretStore store, string providerName, TimeProvider timeProvider, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory)
        : base(EventGridWebhookHandler.SourceName, store, new SecretChangeListenerOptions { ProviderName = providerName, TimeProvider = timeProvider }, loggerFactory, meterFactory)
    {
    }

    /// <summary>Records an authenticated request.</summary>
    public void Contact() => MarkConnected();

    /// <summary>Hands one pushed event over, counting it.</summary>
    public ValueTask<SecretChangeNotificationOutcome?> PushAsync(SecretChangeNotification? notification, string? ignoredReason, CancellationToken cancellationToken)
        => DeliverAsync(notification, ignoredReason, cancellationToken);

    /// <inheritdoc/>
    protected override Task ReceiveAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider, cancellationToken);
}

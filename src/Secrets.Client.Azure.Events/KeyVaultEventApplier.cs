using Microsoft.Extensions.Logging;

namespace Secrets.Client.Azure.Events;

/// <summary>
/// Hands Key Vault events to the store through a listener's delivery (which counts them), one way for both
/// deliveries: secret changes become change notifications (the store checks the version, never takes a value from an
/// event), near-expiry is logged, the rest is counted as ignored. Each applied notification is logged with what the
/// store did: the listener's audit trail.
/// </summary>
internal sealed partial class KeyVaultEventApplier
{
    private readonly string _providerName;
    private readonly string _source;
    private readonly Deliver _deliver;
    private readonly ILogger _logger;

    public KeyVaultEventApplier(string providerName, string source, Deliver deliver, ILogger logger)
    {
        _providerName = providerName;
        _source = source;
        _deliver = deliver;
        _logger = logger;
    }

    /// <summary>A listener's hand-over: a notification, or null with the reason it was ignored.</summary>
    public delegate ValueTask<SecretChangeNotificationOutcome?> Deliver(SecretChangeNotification? notification, string? ignoredReason, CancellationToken cancellationToken);

    public async ValueTask ApplyAsync(KeyVaultEvent keyVaultEvent, CancellationToken cancellationToken)
    {
        switch (keyVaultEvent.Kind)
        {
            case KeyVaultEventKind.SecretChanged:
                var notification = KeyVaultEventGridParser.ToNotification(keyVaultEvent, _providerName, _source);
                var outcome = await _deliver(notification, null, cancellationToken).ConfigureAwait(false);
                LogApplied(_logger, _source, keyVaultEvent.EventType, keyVaultEvent.VaultName!, keyVaultEvent.ObjectName!, keyVaultEvent.Version ?? "-", outcome ?? SecretChangeNotificationOutcome.NotHeld);
                break;
            case KeyVaultEventKind.SecretNearExpiry:
                LogNearExpiry(_logger, keyVaultEvent.VaultName!, keyVaultEvent.ObjectName!);
                await _deliver(null, "near-expiry", cancellationToken).ConfigureAwait(false);
                break;
            default:
                await _deliver(null, "not-a-secret-change", cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    [LoggerMessage(EventId = 1320, Level = LogLevel.Information, Message = "Change notification from {Source}: {EventType} for {Vault}/{Secret} version {Version}: {Outcome}")]
    private static partial void LogApplied(ILogger logger, string source, string eventType, string vault, string secret, string version, SecretChangeNotificationOutcome outcome);

    [LoggerMessage(EventId = 1321, Level = LogLevel.Warning, Message = "Key Vault secret {Vault}/{Secret} expires soon: rotate it")]
    private static partial void LogNearExpiry(ILogger logger, string vault, string secret);
}

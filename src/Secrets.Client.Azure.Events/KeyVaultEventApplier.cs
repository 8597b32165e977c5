using Microsoft.Extensions.Logging;
using Secrets.Client.Listening;

namespace Secrets.Client.Azure.Events;

/// <summary>
/// Hands Key Vault events to the store, one way for both deliveries: secret changes become change notifications (the
/// store checks the version, never takes a value from an event), near-expiry is logged, the rest is counted as ignored.
/// Each applied notification is logged with what the store did: the listener's audit trail.
/// </summary>
internal sealed partial class KeyVaultEventApplier
{
    private readonly ISecretStore _store;
    private readonly string _providerName;
    private readonly ListenerTelemetry _telemetry;
    private readonly ILogger _logger;

    public KeyVaultEventApplier(ISecretStore store, string providerName, ListenerTelemetry telemetry, ILogger logger)
    {
        _store = store;
        _providerName = providerName;
        _telemetry = telemetry;
        _logger = logger;
    }

    public async ValueTask ApplyAsync(KeyVaultEvent keyVaultEvent, CancellationToken cancellationToken)
    {
        _telemetry.Received(keyVaultEvent.EventTime);
        switch (keyVaultEvent.Kind)
        {
            case KeyVaultEventKind.SecretChanged:
                var notification = KeyVaultEventGridParser.ToNotification(keyVaultEvent, _providerName, _telemetry.Source);
                var outcome = await _store.ProcessChangeNotificationAsync(notification, cancellationToken).ConfigureAwait(false);
                _telemetry.Outcome(outcome);
                LogApplied(_logger, _telemetry.Source, keyVaultEvent.EventType, keyVaultEvent.VaultName!, keyVaultEvent.ObjectName!, keyVaultEvent.Version ?? "-", outcome);
                break;
            case KeyVaultEventKind.SecretNearExpiry:
                _telemetry.Ignored("near-expiry");
                LogNearExpiry(_logger, keyVaultEvent.VaultName!, keyVaultEvent.ObjectName!);
                break;
            default:
                _telemetry.Ignored("not-a-secret-change");
                break;
        }
    }

    [LoggerMessage(EventId = 1320, Level = LogLevel.Information, Message = "Change notification from {Source}: {EventType} for {Vault}/{Secret} version {Version}: {Outcome}")]
    private static partial void LogApplied(ILogger logger, string source, string eventType, string vault, string secret, string version, SecretChangeNotificationOutcome outcome);

    [LoggerMessage(EventId = 1321, Level = LogLevel.Warning, Message = "Key Vault secret {Vault}/{Secret} expires soon: rotate it")]
    private static partial void LogNearExpiry(ILogger logger, string vault, string secret);
}

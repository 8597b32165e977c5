namespace Secrets.Client.Azure.Events;

/// <summary>
/// Turns an Event Grid delivery of Key Vault events (Event Grid schema or CloudEvents, one event or a batch) into
/// change notifications for <see cref="ISecretStore.ProcessChangeNotificationAsync"/>. Use it for transports this
/// package does not listen on (an Azure Functions trigger, a Service Bus subscription fed by Event Grid).
/// </summary>
public static class KeyVaultEventGridParser
{
    /// <summary>Reads the secret-change events of a delivery; other events (keys, certificates, near-expiry, other services) are left out.</summary>
    /// <param name="body">The delivery's JSON, as Event Grid sent it.</param>
    /// <param name="providerName">The store's name of the Key Vault provider. Default <c>azure-kv</c>.</param>
    /// <param name="source">The listener's name for audit and metrics, if any.</param>
    /// <returns>One notification per secret event: the secret's name, with <c>vault/name</c> and the secret id as aliases.</returns>
    /// <exception cref="KeyVaultEventFormatException">The delivery is not valid Event Grid or CloudEvents JSON, or a secret event lacks a field.</exception>
    public static IReadOnlyList<SecretChangeNotification> Parse(BinaryData body, string providerName = "azure-kv", string? source = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        var notifications = new List<SecretChangeNotification>();
        foreach (var keyVaultEvent in KeyVaultEventReader.Read(body))
        {
            if (keyVaultEvent.Kind == KeyVaultEventKind.SecretChanged)
            {
                notifications.Add(ToNotification(keyVaultEvent, providerName, source));
            }
        }

        return notifications;
    }

    internal static SecretChangeNotification ToNotification(KeyVaultEvent keyVaultEvent, string providerName, string? source)
    {
        var name = keyVaultEvent.ObjectName!;
        var aliases = new List<string>(3) { keyVaultEvent.VaultName + "/" + name };
        if (keyVaultEvent.Id is { Length: > 0 } id)
        {
            aliases.Add(id);
        }

        return new SecretChangeNotification(providerName, name)
        {
            Aliases = aliases,
            Version = keyVaultEvent.Version,
            EventType = keyVaultEvent.EventType,
            EventTime = keyVaultEvent.EventTime,
            Source = source,
        };
    }
}

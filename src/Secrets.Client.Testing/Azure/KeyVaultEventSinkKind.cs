namespace Secrets.Client.Testing;

/// <summary>The Event Grid destination types <see cref="AzureKeyVaultEmulator"/> can deliver to.</summary>
public enum KeyVaultEventSinkKind
{
    /// <summary>An Azure Storage queue: one event per message, Base64-encoded JSON, through the Queue service REST API.</summary>
    StorageQueue,

    /// <summary>A webhook: an HTTP POST per delivery, with <c>aeg-event-type: Notification</c>.</summary>
    Webhook,
}

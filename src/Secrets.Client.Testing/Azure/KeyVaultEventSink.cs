namespace Secrets.Client.Testing;

/// <summary>
/// Where <see cref="AzureKeyVaultEmulator"/> delivers the Event Grid events a real vault's system topic would publish:
/// a Storage queue (as an Event Grid subscription with a storage-queue destination writes them) or a webhook.
/// </summary>
/// <param name="Endpoint">
/// For <see cref="KeyVaultEventSinkKind.StorageQueue"/>, the queue's URL with a SAS that may add messages (for example
/// from <c>QueueClient.GenerateSasUri</c> against Azurite); for <see cref="KeyVaultEventSinkKind.Webhook"/>, the
/// endpoint URL, query string (shared secret) included.
/// </param>
/// <param name="Kind">The destination type.</param>
/// <param name="CloudEvents">Whether to deliver CloudEvents 1.0 instead of the Event Grid schema.</param>
public sealed record KeyVaultEventSink(Uri Endpoint, KeyVaultEventSinkKind Kind, bool CloudEvents = false);

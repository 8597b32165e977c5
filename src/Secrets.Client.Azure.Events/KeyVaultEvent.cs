namespace Secrets.Client.Azure.Events;

/// <summary>One Event Grid event, reduced to what the listeners act on.</summary>
internal sealed record KeyVaultEvent(
    string EventType,
    KeyVaultEventKind Kind,
    string? VaultName,
    string? ObjectName,
    string? Version,
    string? Id,
    DateTimeOffset? EventTime,
    string? ValidationCode);

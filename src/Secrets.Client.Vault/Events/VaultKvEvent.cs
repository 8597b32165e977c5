namespace Secrets.Client.Vault;

/// <summary>A KV v2 event reduced to what the listener acts on: the operation, the secret as <c>mount/path</c>, the version.</summary>
internal sealed record VaultKvEvent(string EventType, string Operation, string? SecretPath, string? Version, DateTimeOffset? Time);

namespace Secrets.Client;

/// <summary>
/// What a change listener learned about a secret (from an EventBridge, Pub/Sub, Event Grid or Vault event): which
/// secret changed and, when known, to which version. It never carries a value: the store only takes it as a hint to
/// refresh the secret now (see <see cref="ISecretStore.ProcessChangeNotificationAsync"/>), so a forged or replayed
/// notification costs at most one call (a version check, or a fetch when it names another version) and lands only
/// what the backend serves.
/// </summary>
public sealed class SecretChangeNotification
{
    /// <summary>Initializes a new instance of the <see cref="SecretChangeNotification"/> class.</summary>
    /// <param name="provider">The store's provider name the secret lives in (for example <c>aws-sm</c>).</param>
    /// <param name="secretName">The backend's name of the secret, spelled as references to it spell their path.</param>
    /// <exception cref="ArgumentException">A parameter is null or empty.</exception>
    public SecretChangeNotification(string provider, string secretName)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(secretName);
        Provider = provider;
        SecretName = secretName;
    }

    /// <summary>Gets the store's provider name the secret lives in.</summary>
    public string Provider { get; }

    /// <summary>Gets the backend's name of the secret.</summary>
    public string SecretName { get; }

    /// <summary>
    /// Gets other spellings of the same secret that a reference may use as its path (for AWS the full ARN and the
    /// partial ARN; for GCP the resource name with the project number). Empty by default.
    /// </summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>
    /// Gets the version the event announces, when it names one: a held value of that version needs no call, and a held
    /// value of another version is fetched without a version check first (the check could only say it moved).
    /// </summary>
    public string? Version { get; init; }

    /// <summary>Gets the backend's event type (for example <c>PutSecretValue</c> or <c>SECRET_VERSION_ADD</c>), for audit and metrics.</summary>
    public string? EventType { get; init; }

    /// <summary>Gets when the backend says the change happened, for lag metrics.</summary>
    public DateTimeOffset? EventTime { get; init; }

    /// <summary>Gets the listener that delivered the notification (for example <c>aws-sqs</c>), for audit and metrics.</summary>
    public string? Source { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Version is null ? $"{Provider}:{SecretName} ({EventType ?? "change"})" : $"{Provider}:{SecretName}@{Version} ({EventType ?? "change"})";
}

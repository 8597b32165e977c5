namespace Secrets.Client;

/// <summary>Describes a change of a secret the store holds: a new value, or the secret removed at the backend.</summary>
public sealed class SecretChangedEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="SecretChangedEventArgs"/> class for a new value.</summary>
    /// <param name="reference">The secret that changed (without a field).</param>
    /// <param name="properties">The new version's metadata.</param>
    public SecretChangedEventArgs(SecretReference reference, SecretProperties properties)
        : this(reference, properties, SecretChangeKind.Updated, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretChangedEventArgs"/> class.</summary>
    /// <param name="reference">The secret that changed (without a field).</param>
    /// <param name="properties">The new version's metadata, or the last known one when removed.</param>
    /// <param name="kind">How it changed.</param>
    /// <param name="error">For <see cref="SecretChangeKind.Removed"/>, the backend's answer (not found or access denied).</param>
    public SecretChangedEventArgs(SecretReference reference, SecretProperties properties, SecretChangeKind kind, SecretStoreException? error)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(properties);
        Reference = reference;
        Properties = properties;
        Kind = kind;
        Error = error;
    }

    /// <summary>Gets the secret that changed.</summary>
    public SecretReference Reference { get; }

    /// <summary>Gets the new version's metadata (for a removal, the last version served).</summary>
    public SecretProperties Properties { get; }

    /// <summary>Gets how the secret changed.</summary>
    public SecretChangeKind Kind { get; }

    /// <summary>Gets the backend's answer when the secret was removed (not found or access denied); otherwise null.</summary>
    public SecretStoreException? Error { get; }
}

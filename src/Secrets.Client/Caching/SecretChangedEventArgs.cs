namespace Secrets.Client;

/// <summary>Describes a secret whose value a refresh found changed (rotated).</summary>
public sealed class SecretChangedEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="SecretChangedEventArgs"/> class.</summary>
    /// <param name="reference">The secret that changed (without a field).</param>
    /// <param name="properties">The new version's metadata.</param>
    public SecretChangedEventArgs(SecretReference reference, SecretProperties properties)
    {
        Reference = reference;
        Properties = properties;
    }

    /// <summary>Gets the secret that changed.</summary>
    public SecretReference Reference { get; }

    /// <summary>Gets the new version's metadata.</summary>
    public SecretProperties Properties { get; }
}

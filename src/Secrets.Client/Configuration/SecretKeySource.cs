namespace Secrets.Client.Configuration;

/// <summary>Which secret supplied a configuration key: the reference, its provider and the version loaded. Never the value.</summary>
public sealed class SecretKeySource
{
    /// <summary>Initializes a new instance of the <see cref="SecretKeySource"/> class.</summary>
    /// <param name="key">The configuration key.</param>
    /// <param name="reference">The secret reference that supplied it.</param>
    /// <param name="provider">The provider that served it.</param>
    /// <param name="version">The version loaded, when the provider versions secrets.</param>
    public SecretKeySource(string key, SecretReference reference, string provider, string? version)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(provider);
        Key = key;
        Reference = reference;
        Provider = provider;
        Version = version;
    }

    /// <summary>Gets the configuration key.</summary>
    public string Key { get; }

    /// <summary>Gets the secret reference that supplied the key.</summary>
    public SecretReference Reference { get; }

    /// <summary>Gets the provider that served the secret.</summary>
    public string Provider { get; }

    /// <summary>Gets the version loaded, when known.</summary>
    public string? Version { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Key} <- {Reference} ({Provider}{(Version is null ? string.Empty : ", version " + Version)})";
}

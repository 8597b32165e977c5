namespace Secrets.Client.Configuration;

/// <summary>Every secret of a provider whose name starts with a prefix, loaded under a key prefix.</summary>
public sealed class SecretPrefixMapping
{
    /// <summary>Initializes a new instance of the <see cref="SecretPrefixMapping"/> class.</summary>
    /// <param name="provider">The provider to list, or null for the store's default provider.</param>
    /// <param name="prefix">The name prefix (for example <c>prod/myapp/</c>); removed from the keys.</param>
    /// <param name="keyPrefix">A configuration key prefix to put in front (for example <c>MyApp</c>), or null.</param>
    public SecretPrefixMapping(string? provider, string prefix, string? keyPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Provider = provider;
        Prefix = prefix;
        KeyPrefix = keyPrefix;
    }

    /// <summary>Gets the provider to list, or null for the default provider.</summary>
    public string? Provider { get; }

    /// <summary>Gets the name prefix.</summary>
    public string Prefix { get; }

    /// <summary>Gets the configuration key prefix.</summary>
    public string? KeyPrefix { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Provider ?? "(default)"}://{Prefix}* -> {KeyPrefix ?? "(root)"}";
}

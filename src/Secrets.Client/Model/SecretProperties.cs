namespace Secrets.Client;

/// <summary>
/// Everything known about a secret except its value: safe to log, cache and compare for change detection.
/// </summary>
public sealed class SecretProperties
{
    /// <summary>Initializes a new instance of the <see cref="SecretProperties"/> class.</summary>
    /// <param name="provider">The name of the provider that holds the secret (for example <c>aws-sm</c>).</param>
    /// <param name="name">The secret's name in that provider.</param>
    public SecretProperties(string provider, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Provider = provider;
        Name = name;
    }

    /// <summary>Gets the name of the provider that holds the secret.</summary>
    public string Provider { get; }

    /// <summary>Gets the secret's name in its provider.</summary>
    public string Name { get; }

    /// <summary>Gets the version identifier, when the provider versions secrets.</summary>
    public string? Version { get; init; }

    /// <summary>Gets the version stages or labels attached to this version (for example <c>AWSCURRENT</c>).</summary>
    public IReadOnlyList<string> Stages { get; init; } = [];

    /// <summary>Gets when the secret (or this version) was created.</summary>
    public DateTimeOffset? CreatedOn { get; init; }

    /// <summary>Gets when the secret (or this version) was last changed.</summary>
    public DateTimeOffset? UpdatedOn { get; init; }

    /// <summary>Gets when the secret stops being usable, when the provider says.</summary>
    public DateTimeOffset? ExpiresOn { get; init; }

    /// <summary>Gets the content type the provider records, if any.</summary>
    public string? ContentType { get; init; }

    /// <summary>Gets the provider's tags or labels on the secret.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets a value that changes whenever the secret's value changes: the version, else the update time.
    /// Compared by refresh to decide whether a value must be fetched again.
    /// </summary>
    public string? ChangeToken => Version ?? UpdatedOn?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string ToString() => Version is null ? $"{Provider}:{Name}" : $"{Provider}:{Name}@{Version}";
}

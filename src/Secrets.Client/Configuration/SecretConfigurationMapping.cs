namespace Secrets.Client.Configuration;

/// <summary>One secret loaded into configuration: which secret, under which key, and whether it may be missing.</summary>
public sealed class SecretConfigurationMapping
{
    /// <summary>Initializes a new instance of the <see cref="SecretConfigurationMapping"/> class.</summary>
    /// <param name="reference">The secret.</param>
    /// <param name="key">The configuration key; derived from the reference when null (path, then field, with <c>/</c> and <c>--</c> mapped to <c>:</c>).</param>
    /// <param name="optional">Whether a missing secret is skipped instead of failing the load.</param>
    public SecretConfigurationMapping(SecretReference reference, string? key = null, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Reference = reference;
        Key = key;
        Optional = optional;
    }

    /// <summary>Gets the secret.</summary>
    public SecretReference Reference { get; }

    /// <summary>Gets the configuration key, or null to derive it from the reference.</summary>
    public string? Key { get; }

    /// <summary>Gets a value indicating whether a missing secret is skipped.</summary>
    public bool Optional { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Reference} -> {Key ?? "(derived)"}{(Optional ? " (optional)" : string.Empty)}";
}

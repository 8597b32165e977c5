namespace Secrets.Client.Configuration;

/// <summary>
/// One secret loaded into configuration: which secret, under which key, and its policy: required (the default: missing
/// at start-up fails the load), optional (<see cref="Optional"/>: not-found tolerated, and access denied too with
/// <see cref="TolerateAccessDenied"/>), lazy (<see cref="Lazy"/>: not fetched at start-up).
/// </summary>
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

    /// <summary>Gets a value indicating whether a missing secret is skipped (its keys are absent) instead of failing the load.</summary>
    public bool Optional { get; }

    /// <summary>
    /// Gets a value indicating whether an optional secret the identity may not read (access denied) is skipped too.
    /// Default <see langword="false"/>: a denial is a misconfiguration worth failing for, even for an optional secret.
    /// </summary>
    public bool TolerateAccessDenied { get; init; }

    /// <summary>
    /// Gets a value indicating whether the secret is left out of the start-up load: the application starts without
    /// it, it is fetched right after in the background, and configuration reloads (a change is raised) once it is there.
    /// </summary>
    public bool Lazy { get; init; }

    internal bool Tolerates(SecretStoreException error) =>
        (Optional || Lazy) && (error is SecretNotFoundException || (TolerateAccessDenied && error is SecretAccessDeniedException));

    /// <inheritdoc/>
    public override string ToString() => $"{Reference} -> {Key ?? "(derived)"}{(Optional ? " (optional)" : string.Empty)}{(Lazy ? " (lazy)" : string.Empty)}";
}

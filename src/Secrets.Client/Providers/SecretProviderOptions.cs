namespace Secrets.Client;

/// <summary>Options every provider shares: resilience, caching and environment scoping.</summary>
public class SecretProviderOptions
{
    /// <summary>
    /// Gets the environments (for example <c>Production</c>) this provider may be read from. Empty means any.
    /// Reading from any other environment fails with <see cref="SecretEnvironmentScopeException"/> before a request is sent.
    /// </summary>
    public IList<string> AllowedEnvironments { get; } = new List<string>();

    /// <summary>
    /// Gets patterns of production identities (<c>*</c> matches any run of characters, case-insensitive), for example
    /// <c>arn:aws:sts::111122223333:assumed-role/prod-*</c>. When the identity the provider authenticates as
    /// (<see cref="SecretProvider.ResolveIdentityAsync"/>) matches one and the store does not run in <c>Production</c>,
    /// every request is refused with <see cref="SecretEnvironmentScopeException"/> before any secret request is sent.
    /// Empty (the default) checks nothing.
    /// </summary>
    public IList<string> ProductionIdentities { get; } = new List<string>();

    /// <summary>Gets or sets the resilience settings for calls to this provider.</summary>
    public SecretResilienceOptions Resilience { get; set; } = new();

    /// <summary>Gets or sets how long a fetched value is served from cache before it is refreshed; <see langword="null"/> uses the store's default.</summary>
    public TimeSpan? CacheDuration { get; set; }
}

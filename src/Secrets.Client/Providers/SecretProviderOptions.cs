using Microsoft.Extensions.Options;

namespace Secrets.Client;

/// <summary>
/// Options every provider shares, whatever its backend: its name, the environment it runs in and may be read from, its
/// clock, how many requests it runs at once, its HTTP transport, resilience and caching. Adapter options derive from it
/// (<c>AwsSecretsManagerSecretProviderOptions</c>, <c>DotEnvSecretProviderOptions</c>...); all of them bind from
/// configuration (<c>builder.AddAwsSecretsManager("aws-eu", configuration.GetSection("Secrets:AwsEu"))</c>) and are
/// checked once, when the provider is constructed, with every fault named in one <see cref="OptionsValidationException"/>.
/// </summary>
public class SecretProviderOptions
{
    /// <summary>
    /// Gets or sets the provider's name: the scheme of the references it serves (for example <c>aws-eu</c> in
    /// <c>aws-eu://prod/db</c>), so that two providers of one backend (two regions, two accounts) can run side by side.
    /// <see langword="null"/> (the default) uses the adapter's <c>DefaultName</c> (<c>aws-sm</c>, <c>azure-kv</c>...).
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// Gets or sets the environment the application runs in (for example <c>Development</c>). <see langword="null"/> (the
    /// default) follows the store: the DI extensions set it from <c>SecretStoreOptions.Environment</c> (the host's
    /// environment), and a provider built by hand resolves it with <see cref="SecretEnvironment.Resolve(string?)"/>, where
    /// Production in either hosting variable wins. Adapters compare it with a secret's environment tag or label, and local
    /// providers refuse to start in Production.
    /// </summary>
    public string? Environment { get; set; }

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

    /// <summary>
    /// Gets or sets the clock for timing, signing and expiry checks. <see langword="null"/> (the default) uses the
    /// <see cref="System.TimeProvider"/> registered in DI, else <see cref="TimeProvider.System"/>. Not bound from configuration.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Gets or sets how many requests the provider runs at once when it fetches several secrets (a start-up load). The
    /// default depends on the backend's rate limits: 16 unless the adapter says otherwise.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 16;

    /// <summary>
    /// Gets or sets the HTTP handler the provider sends through (a proxy, a private certificate authority, an emulator's
    /// certificate, a test handler). The provider never disposes it and never follows redirects through it: a redirect is
    /// answered as an error, so that a token or signature is not replayed to another host. <see langword="null"/> (the
    /// default) uses a pooled handler of the provider's own. Ignored by providers that make no HTTP requests. Not bound
    /// from configuration.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Gets or sets the resilience settings (timeout, retries, circuit breaker) for calls to this provider.</summary>
    public SecretResilienceOptions Resilience { get; set; } = new();

    /// <summary>Gets or sets how long a fetched value is served from cache before it is refreshed; <see langword="null"/> uses the store's default.</summary>
    public TimeSpan? CacheDuration { get; set; }

    /// <summary>
    /// Gets a value indicating whether the provider is a development source (a <c>.env</c> file, a developer's CLI session)
    /// that a store running in Production refuses, whether the store is built by DI or by hand. Local sources return
    /// <see langword="true"/> unless their <c>AllowInProduction</c> is set; cloud adapters return <see langword="false"/>.
    /// </summary>
    public virtual bool RefusedInProduction => false;

    /// <summary>Resolves the environment the provider runs in: <see cref="Environment"/>, else the hosting variables.</summary>
    /// <returns>The environment name; <c>Production</c> when nothing says otherwise.</returns>
    public string ResolveEnvironment() => SecretEnvironment.Resolve(Environment);

    /// <summary>
    /// Checks every setting once, when a provider is constructed, and throws one error that names the provider and each
    /// setting at fault (never a value).
    /// </summary>
    /// <param name="providerName">The provider's name, for the message.</param>
    /// <exception cref="OptionsValidationException">A setting is invalid.</exception>
    public void Validate(string providerName)
    {
        var failures = new List<string>();
        if (Name is not null && !SecretReference.TryGetProvider(Name + "://x", out _))
        {
            failures.Add($"{nameof(Name)} '{Name}' must start with a letter and use only letters, digits, '-', '+' or '.'.");
        }

        if (MaxConcurrentRequests < 1)
        {
            failures.Add($"{nameof(MaxConcurrentRequests)} must be at least 1.");
        }

        if (CacheDuration is { } cache && cache <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(CacheDuration)} must be positive.");
        }

        if (Resilience is null)
        {
            failures.Add($"{nameof(Resilience)} must not be null.");
        }

        AddValidationFailures(failures);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(
                providerName,
                GetType(),
                failures.Select(failure => $"Provider '{providerName}' ({GetType().Name}): {failure}"));
        }
    }

    /// <summary>Adds the adapter's own checks to <see cref="Validate(string)"/>; each failure names the setting and the rule.</summary>
    /// <param name="failures">The failures found so far; add to it.</param>
    protected virtual void AddValidationFailures(ICollection<string> failures)
    {
    }
}

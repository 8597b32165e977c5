using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Configuration;

/// <summary>
/// Loads secrets into <see cref="IConfiguration"/>: named secrets, every secret under a prefix, and secret references
/// written as values in earlier configuration sources (for example <c>"ConnectionStrings:Db": "aws-sm://prod/db#url"</c>
/// in appsettings.json). Reloads at every change the store raises for a loaded secret (<see cref="ISecretStore.GetChangeToken"/>), so <c>IOptionsMonitor&lt;T&gt;</c> follows rotation, writes and removals.
/// </summary>
public class SecretsConfigurationSource : IConfigurationSource
{
    /// <summary>Gets or sets the store to read from. When null, a <see cref="SecretStore"/> is built from <see cref="Providers"/> and owned by the provider.</summary>
    public ISecretStore? Store { get; set; }

    /// <summary>Gets the providers a store is built from when <see cref="Store"/> is null.</summary>
    public IList<SecretProvider> Providers { get; } = new List<SecretProvider>();

    /// <summary>Gets or sets the options of a store built from <see cref="Providers"/>.</summary>
    public SecretStoreOptions StoreOptions { get; set; } = new();

    /// <summary>Gets the named secrets to load.</summary>
    public IList<SecretConfigurationMapping> Secrets { get; } = new List<SecretConfigurationMapping>();

    /// <summary>Gets the prefixes whose secrets are all loaded.</summary>
    public IList<SecretPrefixMapping> Prefixes { get; } = new List<SecretPrefixMapping>();

    /// <summary>
    /// Gets or sets a value indicating whether values of earlier sources that are references to a registered provider are
    /// replaced by the secret (those <see cref="ISecretStore.CanResolve"/> accepts). Default <see langword="true"/>. Values written <c>handle:&lt;reference&gt;</c> are never resolved: they bind to a <see cref="SecretHandle"/>.
    /// </summary>
    public bool ResolveReferences { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a JSON object secret loaded without a field becomes a configuration section. Default <see langword="true"/>.</summary>
    public bool FlattenJson { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the source may fail to load at all (for example when a provider is unreachable at start). Default <see langword="false"/>.</summary>
    public bool Optional { get; set; }

    /// <summary>Gets or sets a value indicating whether configuration reloads when a refresh sees a rotated secret. Default <see langword="true"/>.</summary>
    public bool ReloadOnChange { get; set; } = true;

    /// <summary>
    /// Gets or sets a value kept for compatibility; it is not used. Refresh runs once per store, every
    /// <see cref="SecretStoreOptions.BackgroundRefreshInterval"/>, whoever asks for it (configuration, the hosted
    /// service, change tokens), so that each due secret is checked once per interval.
    /// </summary>
    [Obsolete("Not used: the store's one refresh driver runs every SecretStoreOptions.BackgroundRefreshInterval; set that instead.")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the clock for reload retries and a built store. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Gets or sets the logger factory for the provider and a built store; reload failures are logged here. Set for you by
    /// <c>builder.AddSecrets(...)</c> on a host builder, which logs through the host's logging.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Gets or sets how a secret name becomes a configuration key. Default <see cref="DefaultKeyMapper"/>
    /// (<c>--</c>, <c>/</c> and <c>__</c> become <c>:</c>). Keys set on a mapping are used as they are.
    /// </summary>
    public Func<string, string>? KeyMapper { get; set; }

    /// <summary>Gets or sets the delay before the first retry of a failed reload; each further retry doubles it. Default 1 second.</summary>
    public TimeSpan ReloadRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between reload retries. Default 2 minutes.</summary>
    public TimeSpan MaxReloadRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The default key mapper: <c>--</c> (Key Vault's convention), <c>__</c> (environment variables') and <c>/</c>
    /// (path-like names) become <c>:</c>, and leading or trailing separators are dropped.
    /// </summary>
    /// <param name="name">The secret name (and <c>/field</c>).</param>
    /// <returns>The configuration key.</returns>
    public static string DefaultKeyMapper(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Replace("--", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)
            .Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)
            .Replace("/", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)
            .Trim(':');
    }

    /// <summary>Adds a required secret.</summary>
    /// <param name="reference">The reference text, for example <c>aws-sm://prod/db#password</c>.</param>
    /// <param name="key">The configuration key, or null to derive it.</param>
    /// <returns>This source.</returns>
    public SecretsConfigurationSource Add(string reference, string? key = null)
    {
        Secrets.Add(new SecretConfigurationMapping(SecretReference.Parse(reference), key));
        return this;
    }

    /// <summary>Adds a secret that is skipped when missing.</summary>
    /// <param name="reference">The reference text.</param>
    /// <param name="key">The configuration key, or null to derive it.</param>
    /// <returns>This source.</returns>
    public SecretsConfigurationSource AddOptional(string reference, string? key = null)
    {
        Secrets.Add(new SecretConfigurationMapping(SecretReference.Parse(reference), key, optional: true));
        return this;
    }

    /// <summary>Adds an optional secret that is skipped when missing and also when the identity may not read it (access denied).</summary>
    /// <param name="reference">The reference text.</param>
    /// <param name="key">The configuration key, or null to derive it.</param>
    /// <returns>This source.</returns>
    public SecretsConfigurationSource AddOptionalEvenIfDenied(string reference, string? key = null)
    {
        Secrets.Add(new SecretConfigurationMapping(SecretReference.Parse(reference), key, optional: true) { TolerateAccessDenied = true });
        return this;
    }

    /// <summary>Adds a secret not fetched at start-up: configuration gets it (and raises a change) right after.</summary>
    /// <param name="reference">The reference text.</param>
    /// <param name="key">The configuration key, or null to derive it.</param>
    /// <returns>This source.</returns>
    public SecretsConfigurationSource AddLazy(string reference, string? key = null)
    {
        Secrets.Add(new SecretConfigurationMapping(SecretReference.Parse(reference), key) { Lazy = true });
        return this;
    }

    /// <summary>Adds every secret of a provider whose name starts with <paramref name="prefix"/>.</summary>
    /// <param name="provider">The provider, or null for the default provider.</param>
    /// <param name="prefix">The name prefix, removed from keys.</param>
    /// <param name="keyPrefix">A key prefix to put in front, or null.</param>
    /// <returns>This source.</returns>
    public SecretsConfigurationSource AddPrefix(string? provider, string prefix, string? keyPrefix = null)
    {
        Prefixes.Add(new SecretPrefixMapping(provider, prefix, keyPrefix));
        return this;
    }

    /// <inheritdoc/>
    public IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var earlier = builder.Sources.TakeWhile(source => !ReferenceEquals(source, this)).ToArray();
        return new SecretsConfigurationProvider(this, earlier);
    }
}

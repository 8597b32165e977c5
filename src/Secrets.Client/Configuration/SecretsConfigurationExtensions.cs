using Secrets.Client;
using Secrets.Client.Configuration;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds secrets to configuration.</summary>
public static class SecretsConfigurationExtensions
{
    /// <summary>Adds secrets from providers configured on the source; the source owns the store it builds.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="configure">Adds providers, secrets and prefixes.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddSecrets(this IConfigurationBuilder builder, Action<SecretsConfigurationSource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var source = new SecretsConfigurationSource();
        configure(source);
        return builder.Add(source);
    }

    /// <summary>Adds secrets read through an existing store (for example the one registered in DI).</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="store">The store; not disposed by configuration.</param>
    /// <param name="configure">Adds secrets and prefixes.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddSecrets(this IConfigurationBuilder builder, ISecretStore store, Action<SecretsConfigurationSource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(configure);
        var source = new SecretsConfigurationSource { Store = store };
        configure(source);
        return builder.Add(source);
    }
}

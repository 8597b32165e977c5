using Microsoft.Extensions.Configuration;
using Secrets.Client.Gcp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Google Cloud Secret Manager providers with a secret store (the four shapes every adapter has; see <c>docs/adapters.md</c>).</summary>
public static class GcpSecretManagerSecretStoreBuilderExtensions
{
    private static readonly Func<IServiceProvider, GcpSecretManagerSecretProviderOptions, SecretProvider> Create = SecretProviderRegistrationExtensions.FromServices<GcpSecretManagerSecretProviderOptions>(static (options, loggerFactory, meterFactory) => new GcpSecretManagerSecretProvider(options, loggerFactory, meterFactory));

    /// <summary>
    /// Adds a <see cref="GcpSecretManagerSecretProvider"/> named <see cref="GcpSecretManagerSecretProvider.DefaultName"/> (references <c>gcp-sm://...</c>), built
    /// when the store is first resolved, with credentials from the platform's default chain.
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddGcpSecretManager(this SecretStoreBuilder builder) => builder.AddProvider<GcpSecretManagerSecretProviderOptions>(static _ => { }, Create);

    /// <summary>Adds the provider under its default name with options set by <paramref name="configure"/>.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddGcpSecretManager(this SecretStoreBuilder builder, Action<GcpSecretManagerSecretProviderOptions> configure) => builder.AddProvider(configure, Create);

    /// <summary>Adds a <see cref="GcpSecretManagerSecretProvider"/> under <paramref name="name"/> (for example <c>gcp-prod</c>; each named provider has its own project and credentials).</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddGcpSecretManager(this SecretStoreBuilder builder, string name, Action<GcpSecretManagerSecretProviderOptions> configure) => builder.AddNamedProvider(name, configure, Create);

    /// <summary>
    /// Adds a <see cref="GcpSecretManagerSecretProvider"/> under <paramref name="name"/> with options bound from a configuration section (for
    /// example <c>configuration.GetSection("Secrets:Named")</c> holding <c>DefaultProject</c>, <c>Endpoint</c>, <c>Resilience</c>...).
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddGcpSecretManager(this SecretStoreBuilder builder, string name, IConfiguration configuration) => builder.AddNamedProvider<GcpSecretManagerSecretProviderOptions>(name, configuration, static (section, options) => section.Bind(options), Create);
}

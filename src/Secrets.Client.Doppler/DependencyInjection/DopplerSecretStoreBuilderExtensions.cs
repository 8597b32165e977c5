using Microsoft.Extensions.Configuration;
using Secrets.Client.Doppler;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Doppler providers with a secret store (the four shapes every adapter has; see <c>docs/adapters.md</c>).</summary>
public static class DopplerSecretStoreBuilderExtensions
{
    private static readonly Func<IServiceProvider, DopplerSecretProviderOptions, SecretProvider> Create = SecretProviderRegistrationExtensions.FromServices<DopplerSecretProviderOptions>(static (options, loggerFactory, meterFactory) => new DopplerSecretProvider(options, loggerFactory, meterFactory));

    /// <summary>Adds a <see cref="DopplerSecretProvider"/> named <see cref="DopplerSecretProvider.DefaultName"/> (references <c>doppler://...</c>) with default options.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDoppler(this SecretStoreBuilder builder) => builder.AddProvider<DopplerSecretProviderOptions>(static _ => { }, Create);

    /// <summary>Adds the provider under its default name with options set by <paramref name="configure"/>.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDoppler(this SecretStoreBuilder builder, Action<DopplerSecretProviderOptions> configure) => builder.AddProvider(configure, Create);

    /// <summary>Adds a <see cref="DopplerSecretProvider"/> under <paramref name="name"/>.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDoppler(this SecretStoreBuilder builder, string name, Action<DopplerSecretProviderOptions> configure) => builder.AddNamedProvider(name, configure, Create);

    /// <summary>Adds a <see cref="DopplerSecretProvider"/> under <paramref name="name"/> with options bound from a configuration section (<c>Transport</c>, <c>Endpoint</c>, <c>Project</c>, <c>Config</c>, <c>Environment</c>...).</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind; keep tokens out of committed configuration.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDoppler(this SecretStoreBuilder builder, string name, IConfiguration configuration) => builder.AddNamedProvider<DopplerSecretProviderOptions>(name, configuration, static (section, options) => section.Bind(options), Create);
}

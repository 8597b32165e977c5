using Microsoft.Extensions.Configuration;
using Secrets.Client.OnePassword;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers 1Password providers with a secret store (the four shapes every adapter has; see <c>docs/adapters.md</c>).</summary>
public static class OnePasswordSecretStoreBuilderExtensions
{
    private static readonly Func<IServiceProvider, OnePasswordSecretProviderOptions, SecretProvider> Create = SecretProviderRegistrationExtensions.FromServices<OnePasswordSecretProviderOptions>(static (options, loggerFactory, meterFactory) => new OnePasswordSecretProvider(options, loggerFactory, meterFactory));

    /// <summary>Adds a <see cref="OnePasswordSecretProvider"/> named <see cref="OnePasswordSecretProvider.DefaultName"/> (references <c>op://...</c>) with default options.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddOnePassword(this SecretStoreBuilder builder) => builder.AddProvider<OnePasswordSecretProviderOptions>(static _ => { }, Create);

    /// <summary>Adds the provider under its default name with options set by <paramref name="configure"/>.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddOnePassword(this SecretStoreBuilder builder, Action<OnePasswordSecretProviderOptions> configure) => builder.AddProvider(configure, Create);

    /// <summary>Adds a <see cref="OnePasswordSecretProvider"/> under <paramref name="name"/>.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddOnePassword(this SecretStoreBuilder builder, string name, Action<OnePasswordSecretProviderOptions> configure) => builder.AddNamedProvider(name, configure, Create);

    /// <summary>Adds a <see cref="OnePasswordSecretProvider"/> under <paramref name="name"/> with options bound from a configuration section (<c>Transport</c>, <c>Endpoint</c>, <c>Account</c>, <c>Environment</c>...).</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind; keep tokens out of committed configuration.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddOnePassword(this SecretStoreBuilder builder, string name, IConfiguration configuration) => builder.AddNamedProvider<OnePasswordSecretProviderOptions>(name, configuration, static (section, options) => section.Bind(options), Create);
}

using Microsoft.Extensions.Configuration;
using Secrets.Client.Vault;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers HashiCorp Vault providers with a secret store (the four shapes every adapter has; see <c>docs/adapters.md</c>).</summary>
public static class HashiCorpVaultSecretStoreBuilderExtensions
{
    private static readonly Func<IServiceProvider, HashiCorpVaultSecretProviderOptions, SecretProvider> Create = SecretProviderRegistrationExtensions.FromServices<HashiCorpVaultSecretProviderOptions>(static (options, loggerFactory, meterFactory) => new HashiCorpVaultSecretProvider(options, loggerFactory, meterFactory));

    /// <summary>
    /// Adds a <see cref="HashiCorpVaultSecretProvider"/> named <see cref="HashiCorpVaultSecretProvider.DefaultName"/> (references <c>vault://...</c>), built
    /// when the store is first resolved, with credentials from the platform's default chain.
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddHashiCorpVault(this SecretStoreBuilder builder) => builder.AddProvider<HashiCorpVaultSecretProviderOptions>(static _ => { }, Create);

    /// <summary>Adds the provider under its default name with options set by <paramref name="configure"/>.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddHashiCorpVault(this SecretStoreBuilder builder, Action<HashiCorpVaultSecretProviderOptions> configure) => builder.AddProvider(configure, Create);

    /// <summary>Adds a <see cref="HashiCorpVaultSecretProvider"/> under <paramref name="name"/> (for example <c>vault-eu</c>; each named provider has its own address and auth role).</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddHashiCorpVault(this SecretStoreBuilder builder, string name, Action<HashiCorpVaultSecretProviderOptions> configure) => builder.AddNamedProvider(name, configure, Create);

    /// <summary>
    /// Adds a <see cref="HashiCorpVaultSecretProvider"/> under <paramref name="name"/> with options bound from a configuration section (for
    /// example <c>configuration.GetSection("Secrets:Named")</c> holding <c>Endpoint</c>, <c>AuthMethod</c>, <c>Role</c>, <c>Resilience</c>...).
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddHashiCorpVault(this SecretStoreBuilder builder, string name, IConfiguration configuration) => builder.AddNamedProvider<HashiCorpVaultSecretProviderOptions>(name, configuration, static (section, options) => section.Bind(options), Create);
}

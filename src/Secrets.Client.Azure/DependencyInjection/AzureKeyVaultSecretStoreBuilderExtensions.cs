using Microsoft.Extensions.Configuration;
using Secrets.Client.Azure;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Azure Key Vault providers with a secret store (the four shapes every adapter has; see <c>docs/adapters.md</c>).</summary>
public static class AzureKeyVaultSecretStoreBuilderExtensions
{
    private static readonly Func<IServiceProvider, AzureKeyVaultSecretProviderOptions, SecretProvider> Create = SecretProviderRegistrationExtensions.FromServices<AzureKeyVaultSecretProviderOptions>(static (options, loggerFactory, meterFactory) => new AzureKeyVaultSecretProvider(options, loggerFactory, meterFactory));

    /// <summary>
    /// Adds a <see cref="AzureKeyVaultSecretProvider"/> named <see cref="AzureKeyVaultSecretProvider.DefaultName"/> (references <c>azure-kv://...</c>), built
    /// when the store is first resolved, with credentials from the platform's default chain.
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAzureKeyVault(this SecretStoreBuilder builder) => builder.AddProvider<AzureKeyVaultSecretProviderOptions>(static _ => { }, Create);

    /// <summary>Adds the provider under its default name with options set by <paramref name="configure"/>.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAzureKeyVault(this SecretStoreBuilder builder, Action<AzureKeyVaultSecretProviderOptions> configure) => builder.AddProvider(configure, Create);

    /// <summary>Adds a <see cref="AzureKeyVaultSecretProvider"/> under <paramref name="name"/> (for example <c>kv-eu</c>; each named provider has its own vaults and credential (tenant, client id)).</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAzureKeyVault(this SecretStoreBuilder builder, string name, Action<AzureKeyVaultSecretProviderOptions> configure) => builder.AddNamedProvider(name, configure, Create);

    /// <summary>
    /// Adds a <see cref="AzureKeyVaultSecretProvider"/> under <paramref name="name"/> with options bound from a configuration section (for
    /// example <c>configuration.GetSection("Secrets:Named")</c> holding <c>Vaults</c>, <c>TenantId</c>, <c>ClientId</c>, <c>Resilience</c>...).
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAzureKeyVault(this SecretStoreBuilder builder, string name, IConfiguration configuration) => builder.AddNamedProvider<AzureKeyVaultSecretProviderOptions>(name, configuration, static (section, options) => section.Bind(options), Create);
}

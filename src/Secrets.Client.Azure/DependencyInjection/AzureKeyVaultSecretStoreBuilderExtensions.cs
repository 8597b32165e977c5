using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Azure;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Azure Key Vault providers with a secret store.</summary>
public static class AzureKeyVaultSecretStoreBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="AzureKeyVaultSecretProvider"/> named <see cref="AzureKeyVaultSecretProvider.DefaultName"/>, built when the store is first
    /// resolved. Unless configured otherwise it uses <c>DefaultAzureCredential</c> and the vault named by <c>AZURE_KEYVAULT_URL</c>.
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAzureKeyVault(this SecretStoreBuilder builder) =>
        Add(builder, name: null, configure: null);

    /// <summary>Adds the provider under its default name with options set by <paramref name="configure"/>.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAzureKeyVault(this SecretStoreBuilder builder, Action<AzureKeyVaultSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Add(builder, name: null, configure);
    }

    /// <summary>
    /// Adds a <see cref="AzureKeyVaultSecretProvider"/> under <paramref name="name"/>, so that several run side by side, each with its
    /// own settings and credentials.
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAzureKeyVault(this SecretStoreBuilder builder, string name, Action<AzureKeyVaultSecretProviderOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return Add(builder, name, configure);
    }

    /// <summary>
    /// Adds a <see cref="AzureKeyVaultSecretProvider"/> under <paramref name="name"/> with its options bound from a configuration section
    /// (for example <c>configuration.GetSection("Secrets:Azure")</c>). Objects such as credentials, the clock and the HTTP
    /// handler are not bound; set them with the <see cref="Action{T}"/> overload.
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAzureKeyVault(this SecretStoreBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(builder, name, options => configuration.Bind(options));
    }

    private static SecretStoreBuilder Add(SecretStoreBuilder builder, string? name, Action<AzureKeyVaultSecretProviderOptions>? configure) =>
        builder.AddProvider(name, configure, static (services, options) =>
            new AzureKeyVaultSecretProvider(options, services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>()));
}

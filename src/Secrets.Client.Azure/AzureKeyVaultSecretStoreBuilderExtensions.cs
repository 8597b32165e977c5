using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Azure;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Azure Key Vault with a secret store.</summary>
public static class AzureKeyVaultSecretStoreBuilderExtensions
{
    /// <summary>
    /// Adds an <see cref="AzureKeyVaultSecretProvider"/> named <c>azure-kv</c>. Unless configured otherwise it uses
    /// <c>DefaultAzureCredential</c> and the host's environment for tag scoping.
    /// </summary>
    /// <param name="builder">The store builder.</param>
    /// <param name="configure">Sets vaults, credential and other options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAzureKeyVault(this SecretStoreBuilder builder, Action<AzureKeyVaultSecretProviderOptions>? configure = null) =>
        AddAzureKeyVault(builder, AzureKeyVaultSecretProvider.DefaultName, configure ?? (static _ => { }));

    /// <summary>Adds an <see cref="AzureKeyVaultSecretProvider"/> under another name, for example a second set of vaults with another credential.</summary>
    /// <param name="builder">The store builder.</param>
    /// <param name="name">The provider name references use as their scheme.</param>
    /// <param name="configure">Sets vaults, credential and other options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAzureKeyVault(this SecretStoreBuilder builder, string name, Action<AzureKeyVaultSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddProvider(services =>
        {
            var options = new AzureKeyVaultSecretProviderOptions();
            configure(options);
            options.Environment ??= services.GetService<IHostEnvironment>()?.EnvironmentName;
            return new AzureKeyVaultSecretProvider(name, options, services.GetService<ILogger<AzureKeyVaultSecretProvider>>());
        });
    }
}

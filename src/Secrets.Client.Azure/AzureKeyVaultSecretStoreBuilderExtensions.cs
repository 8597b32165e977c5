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
    /// <c>DefaultAzureCredential</c> and the host's environment for tag scoping. For a second provider under another name
    /// (for example vaults reached with another credential), use
    /// <c>builder.AddProvider(services =&gt; new AzureKeyVaultSecretProvider("name", options))</c>.
    /// </summary>
    /// <param name="builder">The store builder.</param>
    /// <param name="configure">Sets vaults, credential and other options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAzureKeyVault(this SecretStoreBuilder builder, Action<AzureKeyVaultSecretProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddProvider(services =>
        {
            var options = new AzureKeyVaultSecretProviderOptions();
            configure?.Invoke(options);
            options.Environment ??= services.GetService<IHostEnvironment>()?.EnvironmentName;
            return new AzureKeyVaultSecretProvider(AzureKeyVaultSecretProvider.DefaultName, options, services.GetService<ILogger<AzureKeyVaultSecretProvider>>());
        });
    }
}

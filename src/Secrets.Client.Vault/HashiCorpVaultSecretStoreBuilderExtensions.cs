using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Vault;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the HashiCorp Vault provider with a secret store.</summary>
public static class HashiCorpVaultSecretStoreBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="HashiCorpVaultSecretProvider"/> named <c>vault</c>. Unless configured otherwise it logs in with
    /// Kubernetes auth (set <c>Role</c>), talks to <c>VAULT_ADDR</c>, and takes the host's environment. For a second
    /// provider under another name, use <c>builder.AddProvider(services =&gt; new HashiCorpVaultSecretProvider("name", options))</c>.
    /// </summary>
    /// <param name="builder">The store builder.</param>
    /// <param name="configure">Sets the address, auth method and other options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddHashiCorpVault(this SecretStoreBuilder builder, Action<HashiCorpVaultSecretProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddProvider(services =>
        {
            var options = new HashiCorpVaultSecretProviderOptions();
            configure?.Invoke(options);
            options.Environment ??= services.GetService<IHostEnvironment>()?.EnvironmentName;
            return new HashiCorpVaultSecretProvider(HashiCorpVaultSecretProvider.DefaultName, options, services.GetService<ILogger<HashiCorpVaultSecretProvider>>());
        });
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.OnePassword;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds 1Password to a secret store.</summary>
public static class OnePasswordSecretStoreBuilderExtensions
{
    /// <summary>Adds a provider named <c>op</c> that reads 1Password through the CLI.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddOnePassword(this SecretStoreBuilder builder) => AddOnePassword(builder, OnePasswordSecretProviderOptions.DefaultName, static _ => { });

    /// <summary>Adds a 1Password provider.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references (usually <c>op</c>).</param>
    /// <param name="configure">Sets the options (transport, account, Connect host...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddOnePassword(this SecretStoreBuilder builder, string name, Action<OnePasswordSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddProvider(services =>
        {
            var options = new OnePasswordSecretProviderOptions { Name = name, Environment = services.GetService<IHostEnvironment>()?.EnvironmentName };
            configure(options);
            return new OnePasswordSecretProvider(options, services.GetService<TimeProvider>() ?? TimeProvider.System, services.GetService<ILoggerFactory>());
        });
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Gcp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Google Cloud Secret Manager with a secret store.</summary>
public static class GcpSecretManagerSecretStoreBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="GcpSecretManagerSecretProvider"/> named <c>gcp-sm</c>. Unless configured otherwise it authenticates with
    /// Application Default Credentials and scopes by the host's environment when label scoping is on. For a second provider
    /// under another name, use <c>builder.AddProvider(services =&gt; new GcpSecretManagerSecretProvider("name", options))</c>.
    /// </summary>
    /// <param name="builder">The store builder.</param>
    /// <param name="configure">Sets the project, credential and other options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddGcpSecretManager(this SecretStoreBuilder builder, Action<GcpSecretManagerSecretProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddProvider(services =>
        {
            var options = new GcpSecretManagerSecretProviderOptions();
            configure?.Invoke(options);
            options.Environment ??= services.GetService<IHostEnvironment>()?.EnvironmentName;
            return new GcpSecretManagerSecretProvider(GcpSecretManagerSecretProvider.DefaultName, options, services.GetService<ILogger<GcpSecretManagerSecretProvider>>());
        });
    }
}

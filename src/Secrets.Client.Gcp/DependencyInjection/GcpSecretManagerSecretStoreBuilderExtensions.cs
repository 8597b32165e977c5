using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Gcp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Google Cloud Secret Manager providers with a secret store.</summary>
public static class GcpSecretManagerSecretStoreBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="GcpSecretManagerSecretProvider"/> named <see cref="GcpSecretManagerSecretProvider.DefaultName"/>, built when the store is first
    /// resolved. Unless configured otherwise it authenticates with Application Default Credentials (or talks to the emulator named by <c>SECRET_MANAGER_EMULATOR_HOST</c>).
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddGcpSecretManager(this SecretStoreBuilder builder) =>
        Add(builder, name: null, configure: null);

    /// <summary>Adds the provider under its default name with options set by <paramref name="configure"/>.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddGcpSecretManager(this SecretStoreBuilder builder, Action<GcpSecretManagerSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Add(builder, name: null, configure);
    }

    /// <summary>
    /// Adds a <see cref="GcpSecretManagerSecretProvider"/> under <paramref name="name"/>, so that several run side by side, each with its
    /// own settings and credentials.
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddGcpSecretManager(this SecretStoreBuilder builder, string name, Action<GcpSecretManagerSecretProviderOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return Add(builder, name, configure);
    }

    /// <summary>
    /// Adds a <see cref="GcpSecretManagerSecretProvider"/> under <paramref name="name"/> with its options bound from a configuration section
    /// (for example <c>configuration.GetSection("Secrets:Gcp")</c>). Objects such as credentials, the clock and the HTTP
    /// handler are not bound; set them with the <see cref="Action{T}"/> overload.
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddGcpSecretManager(this SecretStoreBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(builder, name, options => configuration.Bind(options));
    }

    private static SecretStoreBuilder Add(SecretStoreBuilder builder, string? name, Action<GcpSecretManagerSecretProviderOptions>? configure) =>
        builder.AddProvider(name, configure, static (services, options) =>
            new GcpSecretManagerSecretProvider(options, services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>()));
}

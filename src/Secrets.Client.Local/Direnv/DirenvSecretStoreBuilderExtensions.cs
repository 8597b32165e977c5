using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Local;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds the direnv provider to a secret store, with the shape every adapter has (default name, options, a name and
/// options, a name and a configuration section). A relative <see cref="DirenvSecretProviderOptions.Directory"/> starts at
/// <see cref="IHostEnvironment.ContentRootPath"/>.
/// </summary>
public static class DirenvSecretStoreBuilderExtensions
{
    /// <summary>Adds a provider named <c>direnv</c> that serves the direnv environment of the content root.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDirenv(this SecretStoreBuilder builder) => AddDirenvCore(builder, name: null, configure: null);

    /// <summary>Adds a provider named <c>direnv</c> that serves the direnv environment of a directory.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Sets the options (directory, executable...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDirenv(this SecretStoreBuilder builder, Action<DirenvSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddDirenvCore(builder, name: null, configure);
    }

    /// <summary>Adds a provider under <paramref name="name"/> that serves the direnv environment of a directory.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Sets the options (directory, executable...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDirenv(this SecretStoreBuilder builder, string name, Action<DirenvSecretProviderOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return AddDirenvCore(builder, name, configure);
    }

    /// <summary>Adds a provider under <paramref name="name"/> whose options are bound from a configuration section.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind (<c>Directory</c>, <c>ExecutablePath</c>, <c>CommandTimeout</c>...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDirenv(this SecretStoreBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddDirenvCore(builder, name, options => configuration.Bind(options));
    }

    private static SecretStoreBuilder AddDirenvCore(SecretStoreBuilder builder, string? name, Action<DirenvSecretProviderOptions>? configure) =>
        builder.AddProvider(name, configure, static (services, options) =>
        {
            if (services.GetService<IHostEnvironment>() is { ContentRootPath.Length: > 0 } host && !Path.IsPathRooted(options.Directory))
            {
                options.Directory = Path.Combine(host.ContentRootPath, options.Directory);
            }

            return new DirenvSecretProvider(options, services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>());
        });
}

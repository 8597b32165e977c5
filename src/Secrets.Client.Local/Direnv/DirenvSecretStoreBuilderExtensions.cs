using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Local;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the direnv provider to a secret store.</summary>
public static class DirenvSecretStoreBuilderExtensions
{
    /// <summary>Adds a provider named <c>direnv</c> that serves the direnv environment of the content root.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDirenv(this SecretStoreBuilder builder) => AddDirenv(builder, static _ => { });

    /// <summary>Adds a provider that serves the direnv environment of a directory (relative paths start at the content root).</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Sets the options (directory, name, executable...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDirenv(this SecretStoreBuilder builder, Action<DirenvSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddProvider(services =>
        {
            var host = services.GetService<IHostEnvironment>();
            var options = new DirenvSecretProviderOptions { Environment = host?.EnvironmentName };
            if (host is { ContentRootPath.Length: > 0 })
            {
                options.Directory = host.ContentRootPath;
            }

            configure(options);
            if (host is { ContentRootPath.Length: > 0 } && !Path.IsPathRooted(options.Directory))
            {
                options.Directory = Path.Combine(host.ContentRootPath, options.Directory);
            }

            return new DirenvSecretProvider(options, services.GetService<TimeProvider>() ?? TimeProvider.System, services.GetService<ILoggerFactory>());
        });
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Local;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds the local-development providers to a secret store: <c>.env</c> files, environment variables and key-per-file
/// directories.
/// </summary>
/// <remarks>
/// Each provider takes the application's environment from <see cref="IHostEnvironment.EnvironmentName"/> when one is
/// registered (the configure callback may still change it) and refuses to start in Production unless
/// <see cref="LocalSecretProviderOptions.AllowInProduction"/> is set. Relative paths are resolved against
/// <see cref="IHostEnvironment.ContentRootPath"/>. The <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/>
/// registered in the container are used when present.
/// </remarks>
public static class LocalSecretStoreBuilderExtensions
{
    /// <summary>Adds a provider named <c>dotenv</c> that serves the keys of the <c>.env</c> file in the content root.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder) => AddDotEnv(builder, static _ => { });

    /// <summary>Adds a provider named <c>dotenv</c> that serves the keys of a <c>.env</c> file.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="path">The file's path, relative to the content root or absolute.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return AddDotEnv(builder, options => options.Path = path);
    }

    /// <summary>Adds a provider that serves the keys of a <c>.env</c> file.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Sets the options (path, name, expansion...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder, Action<DotEnvSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddProvider(services =>
        {
            var host = services.GetService<IHostEnvironment>();
            var options = new DotEnvSecretProviderOptions { Environment = host?.EnvironmentName };
            configure(options);
            options.Path = FromContentRoot(host, options.Path);
            return new DotEnvSecretProvider(options, services.GetService<TimeProvider>() ?? TimeProvider.System, services.GetService<ILoggerFactory>());
        });
    }

    /// <summary>Adds a provider named <c>env</c> that serves environment variables.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder) => AddEnvironmentVariables(builder, static _ => { });

    /// <summary>
    /// Adds a provider named <c>env</c> that serves the environment variables starting with <paramref name="prefix"/>,
    /// under their names without it (as <c>AddEnvironmentVariables(prefix)</c> does for configuration).
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="prefix">The prefix, for example <c>MYAPP_</c>.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder, string prefix) =>
        AddEnvironmentVariables(builder, options => options.Prefix = prefix);

    /// <summary>Adds a provider that serves environment variables.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Sets the options (prefix, name...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder, Action<EnvironmentVariablesSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddProvider(services =>
        {
            var options = new EnvironmentVariablesSecretProviderOptions { Environment = services.GetService<IHostEnvironment>()?.EnvironmentName };
            configure(options);
            return new EnvironmentVariablesSecretProvider(options, services.GetService<ILoggerFactory>());
        });
    }

    /// <summary>Adds a provider named <c>files</c> that serves a directory with one file per secret.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="directoryPath">The directory, for example <c>/run/secrets</c>; relative to the content root or absolute.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddKeyPerFile(this SecretStoreBuilder builder, string directoryPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directoryPath);
        return AddKeyPerFile(builder, options => options.DirectoryPath = directoryPath);
    }

    /// <summary>Adds a provider that serves a directory with one file per secret.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Sets the options (directory, name, trimming...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddKeyPerFile(this SecretStoreBuilder builder, Action<KeyPerFileSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddProvider(services =>
        {
            var host = services.GetService<IHostEnvironment>();
            var options = new KeyPerFileSecretProviderOptions { Environment = host?.EnvironmentName };
            configure(options);
            options.DirectoryPath = FromContentRoot(host, options.DirectoryPath);
            return new KeyPerFileSecretProvider(options, services.GetService<ILoggerFactory>());
        });
    }

    private static string FromContentRoot(IHostEnvironment? host, string path) =>
        host is { ContentRootPath.Length: > 0 } && !string.IsNullOrWhiteSpace(path) && !Path.IsPathRooted(path)
            ? Path.Combine(host.ContentRootPath, path)
            : path;
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Local;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds the local-development providers to a secret store: <c>.env</c> files, environment variables, key-per-file
/// directories and direnv, each with the shape every adapter has (default name, a name and options, a name and a configuration section).
/// </summary>
/// <remarks>
/// Each provider follows the store's environment (<c>SecretStoreOptions.Environment</c>, the host's) unless its options name
/// another, which is logged; a store in Production wins, so a provider configured for Development is refused there unless
/// <see cref="LocalSecretProviderOptions.AllowInProduction"/> is set. Relative paths are resolved against
/// <see cref="IHostEnvironment.ContentRootPath"/>. The <see cref="TimeProvider"/>, <see cref="ILoggerFactory"/> and
/// <see cref="IMeterFactory"/> registered in the container are used when present.
/// </remarks>
public static class LocalSecretStoreBuilderExtensions
{
    /// <summary>Adds a provider named <c>dotenv</c> that serves the keys of the <c>.env</c> file in the content root.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder) => AddDotEnvCore(builder, name: null, configure: null);

    /// <summary>Adds a provider named <c>dotenv</c> that serves the keys of a <c>.env</c> file.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="path">The file's path, relative to the content root or absolute.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return AddDotEnvCore(builder, name: null, options => options.Path = path);
    }

    /// <summary>Adds a provider named <c>dotenv</c> that serves the keys of a <c>.env</c> file.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Sets the options (path, expansion...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder, Action<DotEnvSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddDotEnvCore(builder, name: null, configure);
    }

    /// <summary>Adds a provider under <paramref name="name"/> that serves the keys of a <c>.env</c> file.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Sets the options (path, expansion...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder, string name, Action<DotEnvSecretProviderOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return AddDotEnvCore(builder, name, configure);
    }

    /// <summary>Adds a provider under <paramref name="name"/> that serves the keys of a <c>.env</c> file, with options bound from a configuration section.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind (<c>Path</c>, <c>Optional</c>, <c>Expand</c>...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddDotEnvCore(builder, name, options => configuration.Bind(options));
    }

    /// <summary>Adds a provider named <c>env</c> that serves environment variables.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder) => AddEnvironmentVariablesCore(builder, name: null, configure: null);

    /// <summary>
    /// Adds a provider named <c>env</c> that serves the environment variables starting with <paramref name="prefix"/>,
    /// under their names without it (as <c>AddEnvironmentVariables(prefix)</c> does for configuration).
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="prefix">The prefix, for example <c>MYAPP_</c>.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder, string prefix) =>
        AddEnvironmentVariablesCore(builder, name: null, options => options.Prefix = prefix);

    /// <summary>Adds a provider named <c>env</c> that serves environment variables.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Sets the options (prefix...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder, Action<EnvironmentVariablesSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddEnvironmentVariablesCore(builder, name: null, configure);
    }

    /// <summary>Adds a provider under <paramref name="name"/> that serves environment variables.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Sets the options (prefix...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder, string name, Action<EnvironmentVariablesSecretProviderOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return AddEnvironmentVariablesCore(builder, name, configure);
    }

    /// <summary>Adds a provider under <paramref name="name"/> that serves environment variables, with options bound from a configuration section.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind (<c>Prefix</c>...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddEnvironmentVariablesCore(builder, name, options => configuration.Bind(options));
    }

    /// <summary>Adds a provider named <c>files</c> that serves <c>/run/secrets</c>, one file per secret.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddKeyPerFile(this SecretStoreBuilder builder) => AddKeyPerFileCore(builder, name: null, configure: null);

    /// <summary>Adds a provider named <c>files</c> that serves a directory with one file per secret.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="directoryPath">The directory, for example <c>/run/secrets</c>; relative to the content root or absolute.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddKeyPerFile(this SecretStoreBuilder builder, string directoryPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directoryPath);
        return AddKeyPerFileCore(builder, name: null, options => options.DirectoryPath = directoryPath);
    }

    /// <summary>Adds a provider named <c>files</c> that serves a directory with one file per secret.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Sets the options (directory, trimming...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddKeyPerFile(this SecretStoreBuilder builder, Action<KeyPerFileSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddKeyPerFileCore(builder, name: null, configure);
    }

    /// <summary>Adds a provider under <paramref name="name"/> that serves a directory with one file per secret.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Sets the options (directory, trimming...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddKeyPerFile(this SecretStoreBuilder builder, string name, Action<KeyPerFileSecretProviderOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return AddKeyPerFileCore(builder, name, configure);
    }

    /// <summary>Adds a provider under <paramref name="name"/> that serves a directory with one file per secret, with options bound from a configuration section.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind (<c>DirectoryPath</c>, <c>Optional</c>...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddKeyPerFile(this SecretStoreBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddKeyPerFileCore(builder, name, options => configuration.Bind(options));
    }

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

    private static SecretStoreBuilder AddDotEnvCore(SecretStoreBuilder builder, string? name, Action<DotEnvSecretProviderOptions>? configure) =>
        builder.AddProvider(name, configure, static (services, options) =>
        {
            options.Path = FromContentRoot(services.GetService<IHostEnvironment>(), options.Path);
            return new DotEnvSecretProvider(options, services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>());
        });

    private static SecretStoreBuilder AddEnvironmentVariablesCore(SecretStoreBuilder builder, string? name, Action<EnvironmentVariablesSecretProviderOptions>? configure) =>
        builder.AddProvider(name, configure, static (services, options) =>
            new EnvironmentVariablesSecretProvider(options, services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>()));

    private static SecretStoreBuilder AddKeyPerFileCore(SecretStoreBuilder builder, string? name, Action<KeyPerFileSecretProviderOptions>? configure) =>
        builder.AddProvider(name, configure, static (services, options) =>
        {
            options.DirectoryPath = FromContentRoot(services.GetService<IHostEnvironment>(), options.DirectoryPath);
            return new KeyPerFileSecretProvider(options, services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>());
        });

    private static SecretStoreBuilder AddDirenvCore(SecretStoreBuilder builder, string? name, Action<DirenvSecretProviderOptions>? configure) =>
        builder.AddProvider(name, configure, static (services, options) =>
        {
            options.Directory = FromContentRoot(services.GetService<IHostEnvironment>(), options.Directory);
            return new DirenvSecretProvider(options, services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>());
        });

    private static string FromContentRoot(IHostEnvironment? host, string path) =>
        host is { ContentRootPath.Length: > 0 } && !string.IsNullOrWhiteSpace(path) && !Path.IsPathRooted(path)
            ? Path.Combine(host.ContentRootPath, path)
            : path;
}

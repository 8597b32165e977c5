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
    // The methods are grouped by shape (default, shortcut, configure, name + configure, name + section) rather than by
    // source: each is one call into the core registration helper with this package's factories below.
    private static readonly Func<IServiceProvider, DotEnvSecretProviderOptions, SecretProvider> CreateDotEnv = static (services, options) =>
        new DotEnvSecretProvider(WithContentRoot(services, options, options.Path, static (o, path) => o.Path = path), services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>());

    private static readonly Func<IServiceProvider, EnvironmentVariablesSecretProviderOptions, SecretProvider> CreateEnvironmentVariables =
        SecretProviderRegistrationExtensions.FromServices<EnvironmentVariablesSecretProviderOptions>(static (options, loggerFactory, meterFactory) => new EnvironmentVariablesSecretProvider(options, loggerFactory, meterFactory));

    private static readonly Func<IServiceProvider, KeyPerFileSecretProviderOptions, SecretProvider> CreateKeyPerFile = static (services, options) =>
        new KeyPerFileSecretProvider(WithContentRoot(services, options, options.DirectoryPath, static (o, path) => o.DirectoryPath = path), services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>());

    private static readonly Func<IServiceProvider, DirenvSecretProviderOptions, SecretProvider> CreateDirenv = static (services, options) =>
        new DirenvSecretProvider(WithContentRoot(services, options, options.Directory, static (o, path) => o.Directory = path), services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>());

    /// <summary>Adds a provider named <c>dotenv</c> that serves the keys of the <c>.env</c> file in the content root.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder) => builder.AddProvider(static _ => { }, CreateDotEnv);

    /// <summary>Adds a provider named <c>env</c> that serves environment variables.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder) => builder.AddProvider(static _ => { }, CreateEnvironmentVariables);

    /// <summary>Adds a provider named <c>files</c> that serves <c>/run/secrets</c>, one file per secret.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddKeyPerFile(this SecretStoreBuilder builder) => builder.AddProvider(static _ => { }, CreateKeyPerFile);

    /// <summary>Adds a provider named <c>direnv</c> that serves the direnv environment of the content root.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDirenv(this SecretStoreBuilder builder) => builder.AddProvider(static _ => { }, CreateDirenv);

    /// <summary>Adds a provider named <c>dotenv</c> that serves the keys of a <c>.env</c> file.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="path">The file's path, relative to the content root or absolute.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return builder.AddProvider<DotEnvSecretProviderOptions>(options => options.Path = path, CreateDotEnv);
    }

    /// <summary>
    /// Adds a provider named <c>env</c> that serves the environment variables starting with <paramref name="prefix"/>,
    /// under their names without it (as <c>AddEnvironmentVariables(prefix)</c> does for configuration).
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="prefix">The prefix, for example <c>MYAPP_</c>.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder, string prefix) =>
        builder.AddProvider<EnvironmentVariablesSecretProviderOptions>(options => options.Prefix = prefix, CreateEnvironmentVariables);

    /// <summary>Adds a provider named <c>files</c> that serves a directory with one file per secret.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="directoryPath">The directory, relative to the content root or absolute.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddKeyPerFile(this SecretStoreBuilder builder, string directoryPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directoryPath);
        return builder.AddProvider<KeyPerFileSecretProviderOptions>(options => options.DirectoryPath = directoryPath, CreateKeyPerFile);
    }

    /// <summary>Adds a provider named <c>dotenv</c> that serves the keys of a <c>.env</c> file.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Sets the options (path, expansion...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder, Action<DotEnvSecretProviderOptions> configure) => builder.AddProvider(configure, CreateDotEnv);

    /// <summary>Adds a provider named <c>env</c> that serves environment variables.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Sets the options (prefix...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder, Action<EnvironmentVariablesSecretProviderOptions> configure) => builder.AddProvider(configure, CreateEnvironmentVariables);

    /// <summary>Adds a provider named <c>files</c> that serves a directory with one file per secret.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Sets the options (directory, trimming...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddKeyPerFile(this SecretStoreBuilder builder, Action<KeyPerFileSecretProviderOptions> configure) => builder.AddProvider(configure, CreateKeyPerFile);

    /// <summary>Adds a provider named <c>direnv</c> that serves the direnv environment of a directory.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Sets the options (directory, executable...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDirenv(this SecretStoreBuilder builder, Action<DirenvSecretProviderOptions> configure) => builder.AddProvider(configure, CreateDirenv);

    /// <summary>Adds a provider under <paramref name="name"/> that serves the keys of a <c>.env</c> file.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder, string name, Action<DotEnvSecretProviderOptions> configure) => builder.AddNamedProvider(name, configure, CreateDotEnv);

    /// <summary>Adds a provider under <paramref name="name"/> that serves environment variables.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder, string name, Action<EnvironmentVariablesSecretProviderOptions> configure) => builder.AddNamedProvider(name, configure, CreateEnvironmentVariables);

    /// <summary>Adds a provider under <paramref name="name"/> that serves a directory with one file per secret.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddKeyPerFile(this SecretStoreBuilder builder, string name, Action<KeyPerFileSecretProviderOptions> configure) => builder.AddNamedProvider(name, configure, CreateKeyPerFile);

    /// <summary>Adds a provider under <paramref name="name"/> that serves the direnv environment of a directory.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDirenv(this SecretStoreBuilder builder, string name, Action<DirenvSecretProviderOptions> configure) => builder.AddNamedProvider(name, configure, CreateDirenv);

    /// <summary>Adds a provider under <paramref name="name"/> that serves the keys of a <c>.env</c> file, with options bound from a configuration section.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind (<c>Path</c>, <c>Optional</c>, <c>Environment</c>...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDotEnv(this SecretStoreBuilder builder, string name, IConfiguration configuration) =>
        builder.AddNamedProvider<DotEnvSecretProviderOptions>(name, configuration, static (section, options) => section.Bind(options), CreateDotEnv);

    /// <summary>Adds a provider under <paramref name="name"/> that serves environment variables, with options bound from a configuration section.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind (<c>Prefix</c>, <c>Environment</c>...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddEnvironmentVariables(this SecretStoreBuilder builder, string name, IConfiguration configuration) =>
        builder.AddNamedProvider<EnvironmentVariablesSecretProviderOptions>(name, configuration, static (section, options) => section.Bind(options), CreateEnvironmentVariables);

    /// <summary>Adds a provider under <paramref name="name"/> that serves a directory with one file per secret, with options bound from a configuration section.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind (<c>DirectoryPath</c>, <c>Environment</c>...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddKeyPerFile(this SecretStoreBuilder builder, string name, IConfiguration configuration) =>
        builder.AddNamedProvider<KeyPerFileSecretProviderOptions>(name, configuration, static (section, options) => section.Bind(options), CreateKeyPerFile);

    /// <summary>Adds a provider under <paramref name="name"/> whose options are bound from a configuration section.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind (<c>Directory</c>, <c>Environment</c>...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDirenv(this SecretStoreBuilder builder, string name, IConfiguration configuration) =>
        builder.AddNamedProvider<DirenvSecretProviderOptions>(name, configuration, static (section, options) => section.Bind(options), CreateDirenv);

    /// <summary>Resolves a relative path against the host's content root, through <paramref name="set"/>, and returns the options.</summary>
    private static TOptions WithContentRoot<TOptions>(IServiceProvider services, TOptions options, string path, Action<TOptions, string> set)
    {
        if (services.GetService<IHostEnvironment>() is { ContentRootPath.Length: > 0 } host && !string.IsNullOrWhiteSpace(path) && !Path.IsPathRooted(path))
        {
            set(options, Path.Combine(host.ContentRootPath, path));
        }

        return options;
    }
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Secrets.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The one registration path every adapter's <c>Add*</c> method goes through, so that they all behave alike: options
/// configured (or bound from a configuration section) by the caller, named, given the store's environment and the
/// container's clock, then the provider built with the container's <see cref="ILoggerFactory"/> and <see cref="IMeterFactory"/>.
/// </summary>
public static class SecretProviderRegistrationExtensions
{
    /// <summary>
    /// Adds a provider built from <typeparamref name="TOptions"/> when the store is first resolved. Before
    /// <paramref name="create"/> runs, the options get <paramref name="name"/> (when given), the store's environment (when
    /// they name none; when they name another one it is logged, and a store in <c>Production</c> wins, so that a local
    /// provider configured for <c>Development</c> is refused there) and the registered <see cref="TimeProvider"/> (when they have none).
    /// </summary>
    /// <typeparam name="TOptions">The adapter's options.</typeparam>
    /// <param name="builder">The store builder.</param>
    /// <param name="name">The provider's name (the scheme of its references); <see langword="null"/> keeps the options' name or the adapter's default.</param>
    /// <param name="configure">Configures the options, for example by binding a configuration section; may be <see langword="null"/>.</param>
    /// <param name="create">Builds the provider from the services and the completed options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddProvider<TOptions>(this SecretStoreBuilder builder, string? name, Action<TOptions>? configure, Func<IServiceProvider, TOptions, SecretProvider> create)
        where TOptions : SecretProviderOptions, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(create);
        if (name is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
        }

        return builder.AddProvider(services =>
        {
            var options = new TOptions();
            configure?.Invoke(options);
            if (name is not null)
            {
                options.Name = name;
            }

            options.TimeProvider ??= services.GetService<TimeProvider>();
            var storeEnvironment = services.GetService<IOptions<SecretStoreOptions>>()?.Value.Environment;
            FollowStoreEnvironment(options, storeEnvironment, services.GetService<ILoggerFactory>(), typeof(TOptions).Name);
            return create(services, options);
        });
    }

    /// <summary>
    /// Adds a provider under its default name (or the one <paramref name="configure"/> sets): the shape of every adapter's
    /// <c>Add*(builder, configure)</c> method, and of <c>Add*(builder)</c> with a configure that does nothing.
    /// </summary>
    /// <typeparam name="TOptions">The adapter's options.</typeparam>
    /// <param name="builder">The store builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <param name="create">Builds the provider from the services and the completed options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddProvider<TOptions>(this SecretStoreBuilder builder, Action<TOptions> configure, Func<IServiceProvider, TOptions, SecretProvider> create)
        where TOptions : SecretProviderOptions, new()
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddProvider(name: null, configure, create);
    }

    /// <summary>Adds a provider under <paramref name="name"/>: the shape of every adapter's <c>Add*(builder, name, configure)</c> method.</summary>
    /// <typeparam name="TOptions">The adapter's options.</typeparam>
    /// <param name="builder">The store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Configures the options.</param>
    /// <param name="create">Builds the provider from the services and the completed options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddNamedProvider<TOptions>(this SecretStoreBuilder builder, string name, Action<TOptions> configure, Func<IServiceProvider, TOptions, SecretProvider> create)
        where TOptions : SecretProviderOptions, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddProvider(name, configure, create);
    }

    /// <summary>
    /// Adds a provider under <paramref name="name"/> with options bound from a configuration section: the shape of every
    /// adapter's <c>Add*(builder, name, configuration)</c> method. The adapter passes the binding (<c>section.Bind(options)</c>)
    /// so that the configuration binding source generator sees its concrete options type and the package stays trimmable.
    /// </summary>
    /// <typeparam name="TOptions">The adapter's options.</typeparam>
    /// <param name="builder">The store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <param name="bind">Binds the section to the options.</param>
    /// <param name="create">Builds the provider from the services and the completed options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddNamedProvider<TOptions>(this SecretStoreBuilder builder, string name, IConfiguration configuration, Action<IConfiguration, TOptions> bind, Func<IServiceProvider, TOptions, SecretProvider> create)
        where TOptions : SecretProviderOptions, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(bind);
        return builder.AddProvider<TOptions>(name, options => bind(configuration, options), create);
    }

    /// <summary>Builds a provider from the container's <see cref="ILoggerFactory"/> and <see cref="IMeterFactory"/>, for adapters whose constructor follows the template.</summary>
    /// <typeparam name="TOptions">The adapter's options.</typeparam>
    /// <param name="create">The adapter's constructor: options, logger factory, meter factory.</param>
    /// <returns>The factory <c>AddProvider</c> takes.</returns>
    public static Func<IServiceProvider, TOptions, SecretProvider> FromServices<TOptions>(Func<TOptions, ILoggerFactory?, IMeterFactory?, SecretProvider> create)
        where TOptions : SecretProviderOptions
    {
        ArgumentNullException.ThrowIfNull(create);
        return (services, options) => create(options, services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>());
    }

    /// <summary>
    /// Gives the options the store's environment unless they name one; when they name another, logs it and lets a
    /// Production store win (Production in either wins, as <see cref="SecretEnvironment.Resolve(string?)"/> does for the hosting variables).
    /// </summary>
    internal static void FollowStoreEnvironment(SecretProviderOptions options, string? storeEnvironment, ILoggerFactory? loggerFactory, string optionsType)
    {
        var store = SecretEnvironment.Resolve(storeEnvironment);
        if (options.Environment is null)
        {
            options.Environment = store;
            return;
        }

        if (string.Equals(options.Environment.Trim(), store, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var own = options.Environment;
        if (SecretEnvironment.IsProduction(store))
        {
            options.Environment = SecretEnvironment.Production;
        }

        if (loggerFactory?.CreateLogger("Secrets.Client.SecretStore") is { } logger)
        {
            ProviderRegistrationLog.EnvironmentDiffers(logger, options.Name ?? optionsType, own, store, options.Environment);
        }
    }
}

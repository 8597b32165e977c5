using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Secrets.Client;
using Secrets.Client.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the secret store.</summary>
public static class SecretStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISecretStore"/> (a caching <see cref="SecretStore"/>), its options, the default audit sink,
    /// a hosted service that refreshes due secrets, and a health check named <c>secrets</c>. Calling it again adds providers.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adds providers.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSecretStore(this IServiceCollection services, Action<SecretStoreBuilder> configure) =>
        AddSecretStore(services, configure, static _ => { });

    /// <summary>Registers the secret store with options. See <see cref="AddSecretStore(IServiceCollection, Action{SecretStoreBuilder})"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adds providers.</param>
    /// <param name="configureOptions">Sets caching, refresh and environment options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSecretStore(this IServiceCollection services, Action<SecretStoreBuilder> configure, Action<SecretStoreOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(configureOptions);

        var builder = FindBuilder(services);
        if (builder is null)
        {
            builder = new SecretStoreBuilder(services);
            services.AddSingleton(builder);
            services.AddOptions<SecretStoreOptions>()
                .PostConfigure<IServiceProvider>(static (options, provider) =>
                    options.Environment ??= provider.GetService<IHostEnvironment>()?.EnvironmentName);
            services.TryAddSingleton(static provider =>
            {
                var registered = provider.GetRequiredService<SecretStoreBuilder>();
                return new SecretStore(
                    registered.ProviderFactories.Select(factory => factory(provider)).ToArray(),
                    provider.GetRequiredService<IOptions<SecretStoreOptions>>().Value,
                    provider.GetService<TimeProvider>(),
                    provider.GetService<ILoggerFactory>(),
                    provider.GetService<ISecretAuditSink>(),
                    provider.GetService<IMeterFactory>());
            });
            AddCore(services);
        }

        services.Configure(configureOptions);
        configure(builder);
        return services;
    }

    /// <summary>
    /// Registers an existing store (for example one also given to <c>configuration.AddSecrets(store, ...)</c>, so that
    /// configuration and <see cref="ISecretStore"/> share one cache), with the background refresh service and the
    /// health check. The container does not dispose it: its creator does.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="store">The store.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSecretStore(this IServiceCollection services, SecretStore store)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(store);
        if (FindBuilder(services) is not null || services.Any(descriptor => descriptor.ServiceType == typeof(SecretStore)))
        {
            throw new InvalidOperationException("A secret store is already registered; register either an existing store or providers, once.");
        }

        services.AddSingleton(store);
        AddCore(services);
        return services;
    }

    internal static void AddCore(IServiceCollection services)
    {
        // Logging is optional: without it the audit sink and the refresh service log nowhere.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISecretAuditSink>(static provider =>
            new LoggerSecretAuditSink(provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.TryAddSingleton<ISecretStore>(static provider => provider.GetRequiredService<SecretStore>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SecretRefreshService>(static provider =>
            new SecretRefreshService(
                provider.GetRequiredService<SecretStore>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetService<ILogger<SecretRefreshService>>() ?? NullLogger<SecretRefreshService>.Instance)));
        services.AddHealthChecks().AddCheck<SecretStoreHealthCheck>("secrets", tags: ["secrets"]);
    }

    private static SecretStoreBuilder? FindBuilder(IServiceCollection services) =>
        services.LastOrDefault(descriptor => descriptor.ServiceType == typeof(SecretStoreBuilder))?.ImplementationInstance as SecretStoreBuilder;
}

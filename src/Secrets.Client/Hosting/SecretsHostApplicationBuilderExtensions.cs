using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Configuration;
using Secrets.Client.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds secrets to a host: one store shared by configuration and dependency injection.</summary>
public static class SecretsHostApplicationBuilderExtensions
{
    /// <summary>
    /// Adds secrets to the host's configuration and registers the same store as <see cref="ISecretStore"/> and
    /// <see cref="SecretStore"/> (with the one background refresh and the <c>secrets</c> health check), so that
    /// configuration, options and injected readers share one cache and one change pipeline. The store runs in the
    /// host's environment, on the <see cref="TimeProvider"/> registered as an instance (else the system clock), and
    /// logs (reload failures too) through the host's logging and audits through the <see cref="ISecretAuditSink"/> the
    /// container resolves (for example <c>AddSecretAuditJsonLines</c>; else the host's logging): what happens while the
    /// host is being built is kept and written there once it is built. The store's meter is its own (it exists before the
    /// container's <c>IMeterFactory</c>); listeners find it by name, <c>Secrets.Client</c>. The container disposes the store.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Adds providers, secrets and prefixes, and sets options.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddSecrets<TBuilder>(this TBuilder builder, Action<SecretsConfigurationSource> configure)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        if (builder.Services.Any(descriptor => descriptor.ServiceType == typeof(SecretStore)))
        {
            throw new InvalidOperationException("A secret store is already registered; call builder.AddSecrets(...) once, with every provider.");
        }

        var source = new SecretsConfigurationSource();
        if (builder.Services.LastOrDefault(descriptor => descriptor.ServiceType == typeof(TimeProvider))?.ImplementationInstance is TimeProvider time)
        {
            source.TimeProvider = time;
        }

        configure(source);
        var logging = new DeferredLoggerFactory();
        source.LoggerFactory ??= logging;
        source.StoreOptions.Environment ??= builder.Environment.EnvironmentName;
        var audit = new DeferredAuditSink();
        var store = source.Store as SecretStore ?? new SecretStore(source.Providers, source.StoreOptions, source.TimeProvider, source.LoggerFactory, audit);
        var owned = source.Store is null;
        source.Store = store;
        builder.Configuration.Add(source);

        if (owned)
        {
            // Made by a factory, so the container disposes it; resolving it hands the host's logging and audit sink over
            // (the app's registered ISecretAuditSink, else audit records through the host's logging).
            builder.Services.AddSingleton(provider =>
            {
                if (provider.GetService<ILoggerFactory>() is { } host)
                {
                    logging.Attach(host);
                }

                audit.Attach(provider.GetRequiredService<ISecretAuditSink>());

                return store;
            });
        }
        else
        {
            // A store the caller built stays the caller's to dispose.
            builder.Services.AddSingleton(store);
        }

        SecretStoreServiceCollectionExtensions.AddCore(builder.Services);
        return builder;
    }
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Secrets.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers anomaly detection over the secret audit.</summary>
public static class SecretAuditAnomalyServiceCollectionExtensions
{
    /// <summary>
    /// Decorates the registered <see cref="ISecretAuditSink"/> (the default <see cref="LoggerSecretAuditSink"/> when none
    /// is registered) with an <see cref="AnomalyDetectingAuditSink"/>, which the store then audits through. Works before
    /// or after <c>AddSecretStore</c>; register a custom audit sink before calling it. Every registered
    /// <see cref="ISecretAnomalySink"/> receives the anomalies; the sink itself resolves as
    /// <see cref="AnomalyDetectingAuditSink"/> (to subscribe to <see cref="AnomalyDetectingAuditSink.AnomalyDetected"/>).
    /// Calling it again only adds configuration.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets what to flag; the defaults apply when null.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSecretAuditAnomalyDetection(this IServiceCollection services, Action<SecretAnomalyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SecretAnomalyOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(descriptor => descriptor.ServiceType == typeof(AnomalyDetectingAuditSink)))
        {
            return services;
        }

        var index = -1;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(ISecretAuditSink) && !services[i].IsKeyedService)
            {
                index = i;
                break;
            }
        }

        var createInner = index < 0 ? CreateDefaultSink : InnerFactory(services[index]);
        services.AddSingleton(provider => new AnomalyDetectingAuditSink(
            createInner(provider),
            provider.GetRequiredService<IOptions<SecretAnomalyOptions>>().Value,
            provider.GetService<TimeProvider>(),
            provider.GetService<ILoggerFactory>(),
            provider.GetServices<ISecretAnomalySink>(),
            provider.GetService<IMeterFactory>()));
        var decorated = ServiceDescriptor.Singleton<ISecretAuditSink>(static provider => provider.GetRequiredService<AnomalyDetectingAuditSink>());
        if (index < 0)
        {
            // The store's own registration uses TryAdd, so it keeps this one.
            services.Add(decorated);
        }
        else
        {
            services[index] = decorated;
        }

        return services;
    }

    private static ISecretAuditSink CreateDefaultSink(IServiceProvider provider) =>
        new LoggerSecretAuditSink(provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);

    /// <summary>Builds the replaced registration's sink the way the container would have (as a singleton: the store is one).</summary>
    private static Func<IServiceProvider, ISecretAuditSink> InnerFactory(ServiceDescriptor descriptor)
    {
        if (descriptor.ImplementationInstance is ISecretAuditSink instance)
        {
            return _ => instance;
        }

        if (descriptor.ImplementationFactory is { } factory)
        {
            return provider => (ISecretAuditSink)factory(provider);
        }

        var type = descriptor.ImplementationType
            ?? throw new InvalidOperationException("The registered ISecretAuditSink has no instance, factory or type to decorate.");
        return provider => (ISecretAuditSink)ActivatorUtilities.CreateInstance(provider, type);
    }
}

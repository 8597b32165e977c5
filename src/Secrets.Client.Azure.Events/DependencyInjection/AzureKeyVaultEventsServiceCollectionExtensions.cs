using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Azure.Events;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Key Vault change listeners with the host.</summary>
public static class AzureKeyVaultEventsServiceCollectionExtensions
{
    /// <summary>
    /// Adds a hosted <see cref="AzureStorageQueueSecretChangeListener"/> (it starts and stops with the host) and its
    /// health check <c>secrets-azure-storage-queue</c>. The store comes from DI (<c>AddSecretStore</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Names the queue and sets the polling; validated when the listener is built.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAzureKeyVaultStorageQueueListener(this IServiceCollection services, Action<AzureStorageQueueListenerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(serviceProvider =>
        {
            var options = new AzureStorageQueueListenerOptions();
            if (serviceProvider.GetService<TimeProvider>() is { } time)
            {
                options.TimeProvider = time;
            }

            configure(options);
            return new AzureStorageQueueSecretChangeListener(
                serviceProvider.GetRequiredService<ISecretStore>(),
                options,
                serviceProvider.GetService<ILoggerFactory>(),
                serviceProvider.GetService<IMeterFactory>());
        });
        services.AddSingleton<IHostedService>(serviceProvider => serviceProvider.GetRequiredService<AzureStorageQueueSecretChangeListener>());
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "secrets-azure-storage-queue",
            serviceProvider => new SecretChangeListenerHealthCheck([serviceProvider.GetRequiredService<AzureStorageQueueSecretChangeListener>()]),
            HealthStatus.Degraded,
            ["secrets", "listener"]));
        return services;
    }
}

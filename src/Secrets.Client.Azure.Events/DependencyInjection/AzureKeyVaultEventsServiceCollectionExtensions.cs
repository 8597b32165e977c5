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
    /// <param name="configure">Names the queue and sets the polling; validated now. Its <see cref="SecretChangeListenerOptions.SafetyNetInterval"/> raises the store's cache duration (48 h by default).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAzureKeyVaultStorageQueueListener(this IServiceCollection services, Action<AzureStorageQueueListenerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new AzureStorageQueueListenerOptions();
        var defaultClock = options.TimeProvider;
        configure(options);
        options.Validate();
        // With events carrying rotations, the store's cache duration is only the safety net (SafetyNetInterval, 48 h by default).
        services.PostConfigure<SecretStoreOptions>(options.ApplySafetyNet);
        services.TryAddSingleton(serviceProvider =>
        {
            if (ReferenceEquals(options.TimeProvider, defaultClock) && serviceProvider.GetService<TimeProvider>() is { } time)
            {
                options.TimeProvider = time;
            }

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

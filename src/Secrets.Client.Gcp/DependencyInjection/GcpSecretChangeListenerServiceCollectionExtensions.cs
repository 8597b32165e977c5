using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Gcp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the GCP change listener as a hosted service, with its health check.</summary>
public static class GcpSecretChangeListenerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="GcpSecretChangeListener"/> that starts and stops with the host and feeds the registered
    /// <see cref="ISecretStore"/>, and the <c>secrets-listeners</c> health check.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (a topic or a subscription).</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentException">An option is invalid (checked now, at registration).</exception>
    public static IServiceCollection AddGcpSecretChangeListener(this IServiceCollection services, Action<GcpSecretChangeListenerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new GcpSecretChangeListenerOptions();
        configure(options);
        options.Validate();
        // With events carrying rotations, the store's cache duration is only the safety net (SafetyNetInterval, 48 h by default).
        services.PostConfigure<SecretStoreOptions>(options.ApplySafetyNet);
        services.AddSingleton(provider => new GcpSecretChangeListener(
            provider.GetRequiredService<ISecretStore>(),
            options,
            provider.GetService<ILoggerFactory>(),
            provider.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<SecretChangeListener>(provider => provider.GetRequiredService<GcpSecretChangeListener>());
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<GcpSecretChangeListener>());
        if (!services.Any(d => d.ServiceType == typeof(SecretChangeListenerHealthCheck)))
        {
            services.AddSingleton<SecretChangeListenerHealthCheck>();
            services.AddHealthChecks().AddCheck<SecretChangeListenerHealthCheck>("secrets-listeners", HealthStatus.Unhealthy, ["secrets"]);
        }

        return services;
    }
}

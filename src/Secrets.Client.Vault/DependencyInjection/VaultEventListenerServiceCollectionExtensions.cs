using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Vault;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Vault's KV v2 event listener with the host.</summary>
public static class VaultEventListenerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a hosted <see cref="VaultEventListener"/> for the Vault provider named <paramref name="providerName"/> of the
    /// DI-registered <see cref="SecretStore"/> (it starts and stops with the host), and its health check
    /// <c>secrets-vault-events-{providerName}</c>. Needs Vault Enterprise 1.16+ (or HCP Vault Dedicated); on Community
    /// Vault the listener reports itself degraded and rotation rides on version checks.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="providerName">The Vault provider's name in the store. Default <c>vault</c>.</param>
    /// <param name="configure">Adjusts the subscription, or <see langword="null"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddHashiCorpVaultEventListener(this IServiceCollection services, string providerName = HashiCorpVaultSecretProvider.DefaultName, Action<VaultEventListenerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        var options = new VaultEventListenerOptions();
        var defaultClock = options.TimeProvider;
        configure?.Invoke(options);
        options.Validate();
        // With events carrying rotations, the store's cache duration is only the safety net (SafetyNetInterval, 48 h by default).
        services.PostConfigure<SecretStoreOptions>(options.ApplySafetyNet);
        services.AddKeyedSingleton(providerName, (serviceProvider, _) =>
        {
            var store = serviceProvider.GetRequiredService<SecretStore>();
            var provider = store.Providers.OfType<HashiCorpVaultSecretProvider>().FirstOrDefault(p => string.Equals(p.Name, providerName, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidOperationException($"The secret store has no Vault provider named '{providerName}'.");
            if (ReferenceEquals(options.TimeProvider, defaultClock) && serviceProvider.GetService<TimeProvider>() is { } time)
            {
                options.TimeProvider = time;
            }

            return new VaultEventListener(store, provider, options, serviceProvider.GetService<ILoggerFactory>(), serviceProvider.GetService<IMeterFactory>());
        });
        services.AddSingleton<IHostedService>(serviceProvider => serviceProvider.GetRequiredKeyedService<VaultEventListener>(providerName));
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "secrets-vault-events-" + providerName,
            serviceProvider => new SecretChangeListenerHealthCheck([serviceProvider.GetRequiredKeyedService<VaultEventListener>(providerName)]),
            HealthStatus.Degraded,
            ["secrets", "listener"]));
        return services;
    }
}

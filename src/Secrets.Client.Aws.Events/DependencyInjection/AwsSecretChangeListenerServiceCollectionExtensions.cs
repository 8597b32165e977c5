using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Aws.Events;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the AWS change listener as a hosted service, with its health check.</summary>
public static class AwsSecretChangeListenerServiceCollectionExtensions
{
    /// <summary>
    /// Adds an <see cref="AwsSecretChangeListener"/> that starts and stops with the host and feeds the registered
    /// <see cref="ISecretStore"/>, and the <c>secrets-listeners</c> health check. The SQS client is the registered
    /// <see cref="IAmazonSQS"/>, or one from the default AWS chain when none is registered.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (a queue URL or a per-instance queue).</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentException">An option is invalid (checked now, at registration).</exception>
    public static IServiceCollection AddAwsSecretChangeListener(this IServiceCollection services, Action<AwsSecretChangeListenerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new AwsSecretChangeListenerOptions();
        configure(options);
        options.Validate();
        // With events carrying rotations, the store's cache duration is only the safety net (SafetyNetInterval, 48 h by default).
        services.PostConfigure<SecretStoreOptions>(options.ApplySafetyNet);
        services.TryAddSingleton<IAmazonSQS>(_ => new AmazonSQSClient());
        services.AddSingleton(provider => new AwsSecretChangeListener(
            provider.GetRequiredService<ISecretStore>(),
            provider.GetRequiredService<IAmazonSQS>(),
            options,
            provider.GetService<ILoggerFactory>(),
            provider.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<SecretChangeListener>(provider => provider.GetRequiredService<AwsSecretChangeListener>());
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<AwsSecretChangeListener>());
        if (!services.Any(d => d.ServiceType == typeof(SecretChangeListenerHealthCheck)))
        {
            services.AddSingleton<SecretChangeListenerHealthCheck>();
            services.AddHealthChecks().AddCheck<SecretChangeListenerHealthCheck>("secrets-listeners", HealthStatus.Unhealthy, ["secrets"]);
        }

        return services;
    }
}

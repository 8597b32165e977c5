using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Secrets.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the durable JSON-lines audit trail.</summary>
public static class JsonLinesSecretAuditServiceCollectionExtensions
{
    /// <summary>
    /// Makes a <see cref="JsonLinesSecretAuditSink"/> the store's <see cref="ISecretAuditSink"/> (replacing the default
    /// logger sink; call it before <c>AddSecretAuditAnomalyDetection</c> to have anomalies detected over it). The options
    /// are validated when the sink is first resolved.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the directory and rotation.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSecretAuditJsonLines(this IServiceCollection services, Action<JsonLinesSecretAuditSinkOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<JsonLinesSecretAuditSinkOptions>().Configure(configure);
        services.TryAddSingleton(static provider => new JsonLinesSecretAuditSink(provider.GetRequiredService<IOptions<JsonLinesSecretAuditSinkOptions>>().Value));
        services.RemoveAll<ISecretAuditSink>();
        services.AddSingleton<ISecretAuditSink>(static provider => provider.GetRequiredService<JsonLinesSecretAuditSink>());
        return services;
    }
}

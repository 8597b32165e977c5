using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Secrets.Client;
using Secrets.Client.Pkcs11;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a <see cref="Pkcs11Signer"/>.</summary>
public static class Pkcs11ServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="Pkcs11Signer"/> that reads its PIN from the registered <see cref="ISecretStore"/>
    /// (for example one added with <c>AddSecretStore</c>) and records each signature in the registered
    /// <see cref="ISecretAuditSink"/>, if any. The container disposes it at shutdown, which finalizes the module.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the module, token and PIN reference.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPkcs11Signer(this IServiceCollection services, Action<Pkcs11SignerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<Pkcs11SignerOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Pkcs11SignerOptions>, Pkcs11SignerOptionsValidator>());
        services.TryAddSingleton(static provider => new Pkcs11Signer(
            provider.GetRequiredService<IOptions<Pkcs11SignerOptions>>().Value,
            provider.GetRequiredService<ISecretStore>(),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<TimeProvider>(),
            provider.GetService<ISecretAuditSink>()));
        return services;
    }
}

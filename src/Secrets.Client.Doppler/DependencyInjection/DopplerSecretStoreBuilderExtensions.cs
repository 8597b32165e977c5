using Microsoft.Extensions.Hosting;
using Secrets.Client;
using Secrets.Client.Doppler;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Doppler to a secret store.</summary>
public static class DopplerSecretStoreBuilderExtensions
{
    /// <summary>Adds a Doppler provider.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references (usually <c>doppler</c>).</param>
    /// <param name="configure">Sets the options (transport, token, project, config...).</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddDoppler(this SecretStoreBuilder builder, string name, Action<DopplerSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddProvider(services =>
        {
            var options = new DopplerSecretProviderOptions { Name = name, Environment = services.GetService<IHostEnvironment>()?.EnvironmentName };
            configure(options);
            return new DopplerSecretProvider(options, services.GetService<TimeProvider>() ?? TimeProvider.System);
        });
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Secrets.Client;

/// <summary>
/// Configures the providers of the <see cref="ISecretStore"/> registered by <c>services.AddSecretStore(...)</c>.
/// Adapter packages add extension methods here (for example <c>AddAwsSecretsManager</c>).
/// </summary>
public sealed class SecretStoreBuilder
{
    private readonly List<Func<IServiceProvider, SecretProvider>> _providers = [];

    internal SecretStoreBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection, for adapters that register their own services.</summary>
    public IServiceCollection Services { get; }

    internal IReadOnlyList<Func<IServiceProvider, SecretProvider>> ProviderFactories => _providers;

    /// <summary>Adds a provider instance. The store disposes it.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>This builder.</returns>
    public SecretStoreBuilder AddProvider(SecretProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _providers.Add(_ => provider);
        return this;
    }

    /// <summary>Adds a provider built from the application's services when the store is first resolved.</summary>
    /// <param name="factory">Builds the provider.</param>
    /// <returns>This builder.</returns>
    public SecretStoreBuilder AddProvider(Func<IServiceProvider, SecretProvider> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _providers.Add(factory);
        return this;
    }
}

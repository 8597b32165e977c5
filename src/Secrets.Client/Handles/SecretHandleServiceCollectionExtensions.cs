using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Secrets.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Binds the <see cref="SecretHandle"/> properties of options to the registered <see cref="ISecretStore"/>.</summary>
public static class SecretHandleServiceCollectionExtensions
{
    /// <summary>
    /// After <typeparamref name="TOptions"/> is bound from configuration (every reload too), binds each of its public
    /// <see cref="SecretHandle"/> properties to the registered <see cref="ISecretStore"/>, so that reading one goes
    /// through the store. The value never enters configuration or the options object.
    /// </summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSecretHandles<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(this IServiceCollection services)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        var properties = typeof(TOptions).GetProperties().Where(property => property.PropertyType == typeof(SecretHandle) && property.CanRead && property.GetIndexParameters().Length == 0).ToArray();
        services.AddOptions<TOptions>().PostConfigure<ISecretStore>((options, store) =>
        {
            foreach (var property in properties)
            {
                (property.GetValue(options) as SecretHandle)?.Bind(store);
            }
        });
        return services;
    }
}

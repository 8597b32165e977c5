using Microsoft.Extensions.Configuration;
using Secrets.Client.Aws;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AWS Secrets Manager providers with a secret store (the four shapes every adapter has; see <c>docs/adapters.md</c>).</summary>
public static class AwsSecretsManagerSecretStoreBuilderExtensions
{
    private static readonly Func<IServiceProvider, AwsSecretsManagerSecretProviderOptions, SecretProvider> Create = SecretProviderRegistrationExtensions.FromServices<AwsSecretsManagerSecretProviderOptions>(static (options, loggerFactory, meterFactory) => new AwsSecretsManagerSecretProvider(options, loggerFactory, meterFactory));

    /// <summary>
    /// Adds a <see cref="AwsSecretsManagerSecretProvider"/> named <see cref="AwsSecretsManagerSecretProvider.DefaultName"/> (references <c>aws-sm://...</c>), built
    /// when the store is first resolved, with credentials from the platform's default chain.
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAwsSecretsManager(this SecretStoreBuilder builder) => builder.AddProvider<AwsSecretsManagerSecretProviderOptions>(static _ => { }, Create);

    /// <summary>Adds the provider under its default name with options set by <paramref name="configure"/>.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAwsSecretsManager(this SecretStoreBuilder builder, Action<AwsSecretsManagerSecretProviderOptions> configure) => builder.AddProvider(configure, Create);

    /// <summary>Adds a <see cref="AwsSecretsManagerSecretProvider"/> under <paramref name="name"/> (for example <c>aws-eu</c>; two regions or accounts run side by side, each with its own region, profile or role).</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAwsSecretsManager(this SecretStoreBuilder builder, string name, Action<AwsSecretsManagerSecretProviderOptions> configure) => builder.AddNamedProvider(name, configure, Create);

    /// <summary>
    /// Adds a <see cref="AwsSecretsManagerSecretProvider"/> under <paramref name="name"/> with options bound from a configuration section (for
    /// example <c>configuration.GetSection("Secrets:Named")</c> holding <c>Region</c>, <c>Profile</c>, <c>RoleArn</c>, <c>Endpoint</c>, <c>Resilience</c>...).
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAwsSecretsManager(this SecretStoreBuilder builder, string name, IConfiguration configuration) => builder.AddNamedProvider<AwsSecretsManagerSecretProviderOptions>(name, configuration, static (section, options) => section.Bind(options), Create);
}

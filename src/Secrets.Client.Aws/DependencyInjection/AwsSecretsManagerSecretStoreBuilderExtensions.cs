using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Aws;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AWS Secrets Manager providers with a secret store.</summary>
public static class AwsSecretsManagerSecretStoreBuilderExtensions
{
    /// <summary>
    /// Adds an <see cref="AwsSecretsManagerSecretProvider"/> named <see cref="AwsSecretsManagerSecretProvider.DefaultName"/>
    /// (references <c>aws-sm://...</c>), built when the store is first resolved. Credentials and region come from the AWS
    /// SDK's default chains unless configured.
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAwsSecretsManager(this SecretStoreBuilder builder) =>
        Add(builder, name: null, configure: null);

    /// <summary>Adds the provider under its default name with options set by <paramref name="configure"/>.</summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAwsSecretsManager(this SecretStoreBuilder builder, Action<AwsSecretsManagerSecretProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Add(builder, name: null, configure);
    }

    /// <summary>
    /// Adds an <see cref="AwsSecretsManagerSecretProvider"/> under <paramref name="name"/>, so that several (two regions, two
    /// accounts) run side by side, each with its own region, profile or role.
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references (for example <c>aws-eu</c>).</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAwsSecretsManager(this SecretStoreBuilder builder, string name, Action<AwsSecretsManagerSecretProviderOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return Add(builder, name, configure);
    }

    /// <summary>
    /// Adds an <see cref="AwsSecretsManagerSecretProvider"/> under <paramref name="name"/> with options bound from a
    /// configuration section (for example <c>configuration.GetSection("Secrets:AwsEu")</c> holding <c>Region</c>,
    /// <c>Profile</c>, <c>RoleArn</c>, <c>Endpoint</c>, <c>Resilience</c>...).
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="name">The provider's name, the scheme of its references.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAwsSecretsManager(this SecretStoreBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(builder, name, options => configuration.Bind(options));
    }

    private static SecretStoreBuilder Add(SecretStoreBuilder builder, string? name, Action<AwsSecretsManagerSecretProviderOptions>? configure) =>
        builder.AddProvider(name, configure, static (services, options) =>
            new AwsSecretsManagerSecretProvider(options, services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>()));
}

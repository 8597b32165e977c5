using Microsoft.Extensions.Logging;
using Secrets.Client;
using Secrets.Client.Aws;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AWS Secrets Manager with a secret store.</summary>
public static class AwsSecretsManagerSecretStoreBuilderExtensions
{
    /// <summary>
    /// Adds an <see cref="AwsSecretsManagerSecretProvider"/> (references <c>aws-sm://...</c>), built when the store is first
    /// resolved, with the application's logging. Credentials and region come from the AWS SDK's default chains unless configured.
    /// </summary>
    /// <param name="builder">The secret store builder.</param>
    /// <param name="configure">Configures the provider's options.</param>
    /// <returns>The builder.</returns>
    public static SecretStoreBuilder AddAwsSecretsManager(this SecretStoreBuilder builder, Action<AwsSecretsManagerSecretProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddProvider(services =>
        {
            var options = new AwsSecretsManagerSecretProviderOptions();
            configure?.Invoke(options);
            return new AwsSecretsManagerSecretProvider(options, services.GetService<ILoggerFactory>());
        });
    }
}

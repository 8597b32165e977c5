using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace Secrets.Client.Aws;

/// <summary>Builds one provider's own credentials from its options: explicit credentials or a named profile, then an assumed role.</summary>
internal static class AwsCredentialFactory
{
    /// <summary>Returns the provider's credentials, or <see langword="null"/> to use the default chain.</summary>
    public static AWSCredentials? Create(AwsSecretsManagerSecretProviderOptions options, string provider)
    {
        var credentials = options.Credentials;
        if (credentials is null && options.Profile is { Length: > 0 } profile)
        {
            if (!new CredentialProfileStoreChain(options.ProfilesLocation).TryGetAWSCredentials(profile, out credentials))
            {
                throw new ArgumentException($"Provider '{provider}': the AWS profile '{profile}' was not found in the shared config or credentials file.", nameof(options));
            }
        }

        if (options.RoleArn is { Length: > 0 } roleArn)
        {
            // The base credentials are the configured ones, else the default chain's (as the AWS SDK resolves them).
            var source = credentials ?? DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
            return new AssumeRoleAWSCredentials(source, roleArn, options.RoleSessionName);
        }

        return credentials;
    }
}

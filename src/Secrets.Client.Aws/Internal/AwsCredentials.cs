using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Aws;

/// <summary>
/// The provider's AWS credentials: the configured ones, else the default chain asked before each request (so that
/// rotated credentials roll), and the principal they sign as (for <see cref="SecretProvider.Identity"/> and the audit).
/// Never holds or shows the secret key.
/// </summary>
internal sealed class AwsCredentials : IDisposable
{
    private readonly string _provider;
    private readonly SecretProviderOptions _options;
    private readonly ILogger _logger;
    private readonly AWSCredentials? _configured;
    private readonly DefaultAWSCredentialsIdentityResolver? _chain;
    private readonly AwsCallerIdentity _callerIdentity = new();
    private string? _identity;

    public AwsCredentials(string provider, AwsSecretsManagerSecretProviderOptions options, ILogger logger)
    {
        _provider = provider;
        _options = options;
        _logger = logger;
        _configured = AwsCredentialFactory.Create(options, provider);
        _chain = _configured is null ? new DefaultAWSCredentialsIdentityResolver() : null;
    }

    /// <summary>Gets the caller ARN or access key id requests were last signed with.</summary>
    public string? Identity => Volatile.Read(ref _identity);

    /// <summary>Gets a value indicating whether credentials come from the default chain.</summary>
    public bool FromChain => _chain is not null;

    public async ValueTask<AWSCredentials> ResolveAsync(CancellationToken cancellationToken)
    {
        if (_configured is { } configured)
        {
            return configured;
        }

        // The chain caches and refreshes credentials itself; asking each time lets rotated credentials roll.
        return await _chain!.ResolveIdentityAsync(null!, cancellationToken).ConfigureAwait(false)
            ?? throw new SecretAccessDeniedException(_provider, null, "No AWS credentials were found in the default chain (environment, profile, web identity, ECS, instance metadata).");
    }

    public async ValueTask RememberIdentityAsync(AWSCredentials credentials, RegionEndpoint region, CancellationToken cancellationToken)
    {
        var resolved = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        if (resolved?.AccessKey is not { Length: > 0 } accessKey)
        {
            return;
        }

        var identity = accessKey;
        if (_chain is not null && resolved.UseToken && AwsCredentialLink.IsRefreshing(credentials))
        {
            try
            {
                identity = await _callerIdentity.ResolveAsync(credentials, accessKey, region).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
            {
                var code = ex is AmazonServiceException service ? service.ErrorCode : ex.GetType().Name;
                if (_options.ProductionIdentities.Count > 0)
                {
                    // Scoping needs the principal: an unknown one cannot be shown not to be a production one.
                    throw new SecretAccessDeniedException(_provider, null, $"Resolving the caller identity (STS GetCallerIdentity) for credentials from {AwsCredentialLink.Describe(credentials)} failed: {code}. Production-identity scoping needs it.", ex);
                }

                // The principal is for the audit; a failed lookup must not fail the read. Keep the access key id.
                AwsLog.CallerIdentityFailed(_logger, AwsCredentialLink.Describe(credentials), code);
            }
        }

        if (!string.Equals(Volatile.Read(ref _identity), identity, StringComparison.Ordinal))
        {
            Volatile.Write(ref _identity, identity);
        }
    }

    public void Dispose() => _chain?.Dispose();
}

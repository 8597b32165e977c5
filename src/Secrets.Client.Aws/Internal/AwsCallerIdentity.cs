using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Secrets.Client.Aws;

/// <summary>
/// The principal AWS sees for temporary credentials (the assumed-role ARN), asked of STS <c>GetCallerIdentity</c> once
/// per access key: when the chain rolls the credentials, the next request asks again. STS honours
/// <c>AWS_ENDPOINT_URL_STS</c> like every SDK client.
/// </summary>
internal sealed class AwsCallerIdentity
{
    private Tuple<string, Task<string>>? _current;

    /// <summary>Gets the caller ARN for <paramref name="accessKeyId"/>, asking STS only when the key changed.</summary>
    public Task<string> ResolveAsync(AWSCredentials credentials, string accessKeyId, RegionEndpoint region)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && string.Equals(current.Item1, accessKeyId, StringComparison.Ordinal) && !current.Item2.IsFaulted && !current.Item2.IsCanceled)
        {
            return current.Item2;
        }

        var asked = AskAsync(credentials, region);
        Volatile.Write(ref _current, Tuple.Create(accessKeyId, asked));
        return asked;
    }

    private static async Task<string> AskAsync(AWSCredentials credentials, RegionEndpoint region)
    {
        using var sts = new AmazonSecurityTokenServiceClient(credentials, new AmazonSecurityTokenServiceConfig { RegionEndpoint = region, MaxErrorRetry = 1 });
        var response = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()).ConfigureAwait(false);
        return response.Arn;
    }
}

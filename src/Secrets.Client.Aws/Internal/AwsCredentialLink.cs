using System.Net.Http;
using Amazon.Runtime;

namespace Secrets.Client.Aws;

/// <summary>
/// Names the link of the AWS SDK's default credential chain a credential came from, and turns a failure to get
/// credentials from it into a message that says which link failed and how (never a token or key).
/// </summary>
internal static class AwsCredentialLink
{
    public const string WebIdentity = "web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, STS AssumeRoleWithWebIdentity)";
    public const string Container = "container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI / AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)";
    public const string InstanceMetadata = "EC2 instance metadata (IMDS)";

    /// <summary>Names the link <paramref name="credentials"/> belong to.</summary>
    public static string Describe(AWSCredentials? credentials) => credentials switch
    {
        null => "the default credential chain",
        AssumeRoleWithWebIdentityCredentials => WebIdentity,
        GenericContainerCredentials => Container,
        InstanceProfileAWSCredentials => InstanceMetadata,
        AssumeRoleAWSCredentials => "assume role (STS AssumeRole)",
        _ when credentials.GetType().Name.Contains("InstanceProfile", StringComparison.Ordinal) => InstanceMetadata,
        _ => credentials.GetType().Name,
    };

    /// <summary>Tells whether the credentials are temporary ones the chain fetches and refreshes (so the principal is worth asking STS for).</summary>
    public static bool IsRefreshing(AWSCredentials credentials) =>
        credentials is RefreshingAWSCredentials || Describe(credentials) == InstanceMetadata;

    /// <summary>Describes why getting credentials from <paramref name="credentials"/> failed, naming the link.</summary>
    public static string Explain(AWSCredentials? credentials, Exception exception)
    {
        var link = Describe(credentials);
        var innermost = exception;
        var service = exception as AmazonServiceException;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
            service ??= innermost as AmazonServiceException;
        }

        // The SDK wraps an STS refusal in a client exception; the service's error code is what names the cause.
        var what = (credentials, service is { ErrorCode.Length: > 0 } ? service : exception) switch
        {
            (AssumeRoleWithWebIdentityCredentials web, InvalidOperationException) when !File.Exists(web.WebIdentityTokenFile) =>
                $"web identity token file missing: '{web.WebIdentityTokenFile}' (AWS_WEB_IDENTITY_TOKEN_FILE) does not exist",
            (AssumeRoleWithWebIdentityCredentials, InvalidOperationException) => "web identity token file unreadable (AWS_WEB_IDENTITY_TOKEN_FILE)",
            (AssumeRoleWithWebIdentityCredentials, AmazonServiceException refused) when refused.ErrorCode is { Length: > 0 } =>
                $"STS AssumeRoleWithWebIdentity refused the web identity token: {refused.ErrorCode}",
            (AssumeRoleWithWebIdentityCredentials or AssumeRoleAWSCredentials, _) when innermost is HttpRequestException or System.Net.Sockets.SocketException =>
                "STS unreachable (AWS_ENDPOINT_URL_STS or the regional STS endpoint)",
            (GenericContainerCredentials, _) when innermost is FileNotFoundException or DirectoryNotFoundException || ContainerTokenFileMissing() =>
                "container authorization token file missing (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)",
            (GenericContainerCredentials, _) => "container credentials endpoint unreachable or refused the request: " + innermost.Message,
            _ when link == InstanceMetadata => "IMDS unreachable or no instance profile attached: " + innermost.Message,
            (null, _) when exception.Message.Contains("EC2 instance metadata", StringComparison.OrdinalIgnoreCase) =>
                "no link produced credentials; the last, EC2 instance metadata, failed: IMDS unreachable or no instance profile attached. " + exception.Message.ReplaceLineEndings(" "),
            (null, _) => "no link produced credentials. " + exception.Message.ReplaceLineEndings(" "),
            (_, AmazonServiceException refused) when refused.ErrorCode is { Length: > 0 } => refused.ErrorCode,
            _ => innermost.Message,
        };
        return $"Getting AWS credentials from {link} failed: {what.TrimEnd('.', ' ')}.";
    }

    // The container link reads the file on every fetch and reports only the I/O message; the variable says which file.
    private static bool ContainerTokenFileMissing() =>
        Environment.GetEnvironmentVariable("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") is { Length: > 0 } file && !File.Exists(file);
}

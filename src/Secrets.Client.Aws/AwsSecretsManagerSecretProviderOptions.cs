using Amazon.Runtime;

namespace Secrets.Client.Aws;

/// <summary>Settings for an <see cref="AwsSecretsManagerSecretProvider"/>.</summary>
/// <remarks>
/// Everything is optional: by default the region comes from the AWS SDK's region chain (<c>AWS_REGION</c>,
/// <c>AWS_DEFAULT_REGION</c>, the shared config profile, instance metadata) and credentials from its default chain
/// (environment, profile/SSO, web identity/IRSA, ECS, IMDSv2).
/// </remarks>
public class AwsSecretsManagerSecretProviderOptions : SecretProviderOptions
{
    /// <summary>The local endpoint of the AWS Secrets Manager Agent and of the AWS Parameters and Secrets Lambda extension.</summary>
    public static readonly Uri DefaultAgentEndpoint = new("http://localhost:2773/");

    /// <summary>Gets or sets the region system name, for example <c>eu-west-1</c>; <see langword="null"/> uses the AWS SDK's region chain.</summary>
    public string? Region { get; set; }

    /// <summary>Initializes a new instance of the <see cref="AwsSecretsManagerSecretProviderOptions"/> class.</summary>
    public AwsSecretsManagerSecretProviderOptions() => MaxConcurrentRequests = 8;

    /// <summary>
    /// Gets or sets a custom Secrets Manager endpoint (a VPC endpoint, a proxy or an emulator). Plain <c>http://</c> is
    /// refused except to a loopback address. <see langword="null"/> uses <c>AWS_ENDPOINT_URL_SECRETS_MANAGER</c> or
    /// <c>AWS_ENDPOINT_URL</c> when set, else the regional endpoint.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets a value indicating whether to use the FIPS endpoint (<c>secretsmanager-fips.&lt;region&gt;</c>); <c>AWS_USE_FIPS_ENDPOINT=true</c> also turns it on.</summary>
    public bool UseFips { get; set; }

    /// <summary>
    /// Gets or sets the named profile of the shared AWS config and credentials files (<c>~/.aws/config</c>) this provider
    /// signs with, so that two providers can use two accounts. <see langword="null"/> (the default) uses the default chain.
    /// </summary>
    public string? Profile { get; set; }

    /// <summary>
    /// Gets or sets the shared credentials file <see cref="Profile"/> is read from; <see langword="null"/> (the default)
    /// uses the AWS SDK's locations (<c>AWS_SHARED_CREDENTIALS_FILE</c>, <c>AWS_CONFIG_FILE</c>, <c>~/.aws</c>).
    /// </summary>
    public string? ProfilesLocation { get; set; }

    /// <summary>
    /// Gets or sets the ARN of a role to assume (through STS <c>AssumeRole</c>) with the base credentials (<see cref="Credentials"/>,
    /// <see cref="Profile"/> or the default chain); the temporary credentials are refreshed before they expire.
    /// </summary>
    public string? RoleArn { get; set; }

    /// <summary>Gets or sets the session name of the assumed role, seen in CloudTrail. Default <c>secrets-client</c>.</summary>
    public string RoleSessionName { get; set; } = "secrets-client";

    /// <summary>
    /// Gets or sets the credentials to sign with; <see langword="null"/> (the default) uses <see cref="Profile"/> when set,
    /// else the AWS SDK's default credential chain, re-read before each request so that rotating credentials roll. Not bound
    /// from configuration.
    /// </summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether secret values are read through the AWS Secrets Manager Agent or the Lambda
    /// extension at <see cref="AgentEndpoint"/> instead of the service. Metadata, listing, writes and rotation still go to the service.
    /// </summary>
    public bool UseAgent { get; set; }

    /// <summary>Gets or sets the agent's endpoint. Default <c>http://localhost:2773/</c>.</summary>
    public Uri AgentEndpoint { get; set; } = DefaultAgentEndpoint;

    /// <summary>
    /// Gets or sets the token sent to the agent in <c>X-Aws-Parameters-Secrets-Token</c>; <see langword="null"/> reads
    /// <c>AWS_TOKEN</c>, then <c>AWS_SESSION_TOKEN</c> (what the Lambda extension expects).
    /// </summary>
    public string? AgentToken { get; set; }

    /// <inheritdoc/>
    protected override void AddValidationFailures(ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (Credentials is not null && Profile is not null)
        {
            failures.Add($"{nameof(Credentials)} and {nameof(Profile)} cannot both be set.");
        }

        if (RoleArn is not null && !RoleArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            failures.Add($"{nameof(RoleArn)} must be a role ARN (arn:aws:iam::ACCOUNT:role/NAME).");
        }

        if (string.IsNullOrWhiteSpace(RoleSessionName))
        {
            failures.Add($"{nameof(RoleSessionName)} must not be empty.");
        }
    }
}

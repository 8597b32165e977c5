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

    /// <summary>
    /// Gets or sets a custom Secrets Manager endpoint (a VPC endpoint, a proxy or an emulator). Plain <c>http://</c> is
    /// refused except to a loopback address. <see langword="null"/> uses <c>AWS_ENDPOINT_URL_SECRETS_MANAGER</c> or
    /// <c>AWS_ENDPOINT_URL</c> when set, else the regional endpoint.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Gets or sets a value indicating whether to use the FIPS endpoint (<c>secretsmanager-fips.&lt;region&gt;</c>); <c>AWS_USE_FIPS_ENDPOINT=true</c> also turns it on.</summary>
    public bool UseFips { get; set; }

    /// <summary>
    /// Gets or sets the credentials to sign with; <see langword="null"/> (the default) uses the AWS SDK's default credential
    /// chain, re-read before each request so that rotating credentials roll.
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

    /// <summary>
    /// Gets or sets the <see cref="HttpClient"/> to send requests with (for example from <c>IHttpClientFactory</c>); the
    /// provider does not dispose it. It must not follow redirects. <see langword="null"/> creates one.
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Gets or sets the handler for the <see cref="HttpClient"/> the provider creates, when <see cref="HttpClient"/> is not set; the provider does not dispose it.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Gets or sets how many <c>BatchGetSecretValue</c> calls one batch fetch may have in flight at once. Default 8.</summary>
    public int MaxBatchConcurrency { get; set; } = 8;

    /// <summary>Gets or sets the clock. A clock other than the system's also fixes the signing time, for reproducible signatures in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

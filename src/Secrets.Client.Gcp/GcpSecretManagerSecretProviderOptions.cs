using Google.Apis.Auth.OAuth2;

namespace Secrets.Client.Gcp;

/// <summary>Settings for <see cref="GcpSecretManagerSecretProvider"/>.</summary>
/// <remarks>
/// <para><b>References.</b> <c>gcp-sm://project/secret?version=5#field</c>, or <c>gcp-sm://secret</c> in the
/// <see cref="DefaultProject"/>. The version is a number or <c>latest</c> (the default), which Secret Manager resolves to
/// the most recently created version.</para>
/// <para><b>Authentication.</b> One of <see cref="AccessTokenProvider"/>, <see cref="Credential"/>, or (when neither is
/// set) Application Default Credentials, scoped to <c>cloud-platform</c>. A token is asked for before every request, so
/// that the credential's own caching and refresh decide when it rolls.</para>
/// </remarks>
public class GcpSecretManagerSecretProviderOptions : SecretProviderOptions
{
    /// <summary>The label that limits a secret to one environment when <see cref="EnvironmentLabelName"/> is set to it.</summary>
    public const string DefaultEnvironmentLabelName = "environment";

    /// <summary>
    /// Gets or sets the service's base address. <see langword="null"/> (the default) reads <c>SECRET_MANAGER_ENDPOINT</c>
    /// (an address reached with the platform's credentials), else <c>SECRET_MANAGER_EMULATOR_HOST</c>
    /// (Google's <c>&lt;SERVICE&gt;_EMULATOR_HOST</c> convention: <c>host:port</c> of a loopback emulator, spoken to over plain
    /// <c>http</c> without credentials), else uses <c>https://secretmanager.googleapis.com/</c>. Plain <c>http</c> is
    /// accepted only for loopback addresses, since a bearer token travels with every request.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the project (id or number) of references and listings that name none; <see langword="null"/> reads <c>GOOGLE_CLOUD_PROJECT</c>.</summary>
    public string? DefaultProject { get; set; }

    /// <summary>
    /// Gets or sets a service account key file (JSON) this provider authenticates with, so that two
    /// providers can use two identities; <see langword="null"/> uses <see cref="Credential"/>, else Application Default Credentials.
    /// </summary>
    public string? CredentialFile { get; set; }

    /// <summary>Gets or sets the Google credential; <see langword="null"/> uses Application Default Credentials unless <see cref="AccessTokenProvider"/> is set. Not bound from configuration.</summary>
    public GoogleCredential? Credential { get; set; }

    /// <summary>
    /// Gets or sets a callback that returns an OAuth 2 access token for each request, in place of a Google credential
    /// (for example a token from a sidecar, or an emulator's test token). Cannot be combined with <see cref="Credential"/>.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; set; }

    /// <summary>Gets or sets how many secrets a listing asks for per page (1 to 25000). Default 250.</summary>
    public int PageSize { get; set; } = 250;

    /// <summary>
    /// Gets or sets the label that limits a secret to one environment: a secret labelled <c>environment=production</c> is
    /// refused in any other environment (compared case-insensitively, as label values are lower case) with
    /// <see cref="SecretEnvironmentScopeException"/>, and left out of listings. Checking costs one more request (the
    /// secret's metadata) per read, so it is off (<see langword="null"/>) by default; set it to
    /// <see cref="DefaultEnvironmentLabelName"/> to turn it on. When on, reads also fill <see cref="SecretProperties.Tags"/>
    /// with the secret's labels.
    /// </summary>
    public string? EnvironmentLabelName { get; set; }

    /// <summary>
    /// Gets or sets the callback that makes a new value when a secret is rotated now. Secret Manager's rotation only
    /// publishes Pub/Sub notifications for a rotator you run, so without it <c>RotateSecretAsync</c> throws
    /// <see cref="NotSupportedException"/>. The provider adds the value as a new version, then disposes it.
    /// </summary>
    public Func<SecretReference, CancellationToken, ValueTask<SecretValue>>? RotationValueGenerator { get; set; }

    /// <inheritdoc/>
    protected override void AddValidationFailures(ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && !(endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback))))
        {
            failures.Add($"{nameof(Endpoint)} must be an absolute https address (plain http is allowed for loopback emulators only, as every request carries a bearer token); got '{endpoint}'.");
        }

        if ((Credential is not null ? 1 : 0) + (AccessTokenProvider is not null ? 1 : 0) + (CredentialFile is not null ? 1 : 0) > 1)
        {
            failures.Add($"Set at most one of {nameof(Credential)}, {nameof(CredentialFile)} and {nameof(AccessTokenProvider)}.");
        }

        if (DefaultProject is { } project && !GcpProjectId.IsValid(project))
        {
            failures.Add($"{nameof(DefaultProject)} '{project}' is not a Google Cloud project id or number.");
        }

        if (PageSize is < 1 or > 25000)
        {
            failures.Add($"{nameof(PageSize)} must be between 1 and 25000.");
        }
    }
}

using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// The identity services a Google Cloud workload gets its tokens from, on one loopback port: the metadata server
/// (<c>Metadata-Flavor: Google</c> required and returned; the default service account's token and e-mail, project id,
/// universe domain), the Security Token Service token exchange of workload identity federation (<c>POST /v1/token</c>)
/// and the IAM Credentials <c>generateAccessToken</c> that federated identities impersonate a service account with.
/// Access tokens expire after <see cref="IdentityEmulatorOptions.CredentialLifetime"/> by its clock;
/// <see cref="GcpSecretManagerEmulator"/> pointed at it accepts exactly those tokens.
/// </summary>
/// <remarks>
/// Point Application Default Credentials at it with <c>GCE_METADATA_HOST</c> = <see cref="MetadataHost"/> (GCE, GKE,
/// Cloud Run), or with <c>GOOGLE_APPLICATION_CREDENTIALS</c> naming a file holding
/// <see cref="CreateExternalAccountJson"/> (workload identity federation). All members are thread-safe.
/// </remarks>
public sealed class GcpIdentityEmulator : IdentityEmulator
{
    private readonly GcpIdentityEmulatorOptions _options;

    private GcpIdentityEmulator(GcpIdentityEmulatorOptions options, IdentityProtocol protocol)
        : base(options, protocol)
    {
        _options = options;
        protocol.Handle = new GcpIdentityRequestHandler(this).HandleAsync;
    }

    /// <summary>Gets the value for <c>GCE_METADATA_HOST</c> (host and port, no scheme).</summary>
    public string MetadataHost => Endpoint.Authority;

    /// <summary>Gets the service account e-mail the metadata server's token and federated impersonation act as.</summary>
    public string ServiceAccountEmail => _options.ServiceAccountEmail;

    /// <summary>Gets the workload identity pool provider's audience, <c>//iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/P/providers/R</c>.</summary>
    public string WorkloadIdentityAudience =>
        $"//iam.googleapis.com/projects/{_options.ProjectNumber}/locations/global/workloadIdentityPools/{_options.WorkloadIdentityPool}/providers/{_options.WorkloadIdentityProvider}";

    internal GcpIdentityEmulatorOptions Options => _options;

    /// <summary>Starts an emulator on a loopback port.</summary>
    /// <param name="options">The settings; <see langword="null"/> uses the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static Task<GcpIdentityEmulator> StartAsync(GcpIdentityEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new GcpIdentityEmulatorOptions();
        var protocol = new IdentityProtocol(options);
        return ListenAsync(new GcpIdentityEmulator(options, protocol), protocol.Options, useHttps: false, cancellationToken);
    }

    /// <summary>Gets the principal STS reports for a federated subject: <c>principal://iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/P/subject/S</c>.</summary>
    /// <param name="subject">The external token's subject.</param>
    /// <returns>The federated principal.</returns>
    public string FederatedPrincipal(string subject) =>
        $"principal://iam.googleapis.com/projects/{_options.ProjectNumber}/locations/global/workloadIdentityPools/{_options.WorkloadIdentityPool}/subject/{subject}";

    /// <summary>
    /// Issues an external OIDC token for <paramref name="subject"/> (what a Kubernetes cluster, GitHub Actions or another
    /// cloud hands the workload); write it to the file the credential configuration's <c>credential_source.file</c> names.
    /// </summary>
    /// <param name="subject">The subject, for example <c>system:serviceaccount:default:app</c>.</param>
    /// <returns>The token.</returns>
    public string IssueSubjectToken(string subject = "system:serviceaccount:default:app")
    {
        var now = Ledger.Now;
        var token = Jwt.Create(EmulatedJwt.Claims("https://oidc.emulator.local", subject, "https:" + WorkloadIdentityAudience, now, now + _options.CredentialLifetime));
        Ledger.Issue(token, "subject:" + subject);
        return token;
    }

    /// <summary>
    /// Builds the <c>external_account</c> credential configuration <c>gcloud iam workload-identity-pools create-cred-config</c>
    /// writes, with its token and impersonation URLs on this emulator.
    /// </summary>
    /// <param name="subjectTokenFile">The file holding the external OIDC token.</param>
    /// <param name="impersonateServiceAccount">Impersonate <see cref="ServiceAccountEmail"/> (the usual set-up); otherwise the federated principal calls the API directly.</param>
    /// <returns>The JSON text for the file <c>GOOGLE_APPLICATION_CREDENTIALS</c> names.</returns>
    public string CreateExternalAccountJson(string subjectTokenFile, bool impersonateServiceAccount = true)
    {
        var configuration = new Dictionary<string, object>
        {
            ["type"] = "external_account",
            ["audience"] = WorkloadIdentityAudience,
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["token_url"] = new Uri(Endpoint, "v1/token").ToString(),
            ["credential_source"] = new Dictionary<string, string> { ["file"] = subjectTokenFile },
        };
        if (impersonateServiceAccount)
        {
            configuration["service_account_impersonation_url"] = new Uri(Endpoint, $"v1/projects/-/serviceAccounts/{_options.ServiceAccountEmail}:generateAccessToken").ToString();
        }

        return JsonSerializer.Serialize(configuration);
    }

    /// <summary>Revokes a principal (a service account e-mail or a federated principal): nothing more is issued to it and its tokens are refused.</summary>
    /// <param name="principal">The principal.</param>
    public void Revoke(string principal) => Ledger.RevokePrincipal(principal);

    /// <summary>Checks an access token a cloud emulator received: who it was issued to, or why it is refused.</summary>
    /// <param name="accessToken">The bearer token.</param>
    /// <returns>The principal, or the reason for refusal.</returns>
    public IdentityCheck CheckAccessToken(string accessToken) => Ledger.Check(accessToken);

    /// <summary>
    /// The <see cref="EmulatorAuthenticator"/> that lets a cloud emulator accept exactly the access tokens this emulator
    /// issued, while they are valid: set <c>options.Authenticator = identity.Authenticate</c>. Every decision is recorded
    /// in <see cref="IdentityEmulator.Requests"/> as <c>authenticate</c>.
    /// </summary>
    /// <param name="credential">The bearer token a request carried.</param>
    /// <returns>The principal (a service account e-mail or a federated principal), or <see langword="null"/> to refuse the request.</returns>
    public EmulatorPrincipal? Authenticate(EmulatorCredential credential) => Ledger.AuthenticateBearer(credential, Calls);

    internal IssuedCredential IssueAccessToken(string principal) => Ledger.Issue(IssuedCredentialLedger.NewToken("ya29.emulator-", 48), principal);
}

using System.Security.Cryptography;
using System.Text;

namespace Secrets.Client.Testing;

/// <summary>
/// The identity services an AWS workload gets its credentials from, on one loopback port: STS
/// (<c>AssumeRoleWithWebIdentity</c>, <c>AssumeRole</c>, <c>GetCallerIdentity</c>, query protocol), the EC2 instance
/// metadata service (IMDSv2: session token <c>PUT</c>, role credentials) and the ECS/EKS container credentials endpoint
/// (full URI with an authorization token). Everything it issues expires after
/// <see cref="IdentityEmulatorOptions.CredentialLifetime"/> by its clock; <see cref="AwsSecretsManagerEmulator"/> built
/// with <see cref="AwsSecretsManagerEmulatorOptions"/> pointing at it accepts exactly those credentials.
/// </summary>
/// <remarks>
/// Point the official SDK at it with the variables an app has on each platform: <c>AWS_ENDPOINT_URL_STS</c> =
/// <see cref="StsEndpoint"/> with <c>AWS_WEB_IDENTITY_TOKEN_FILE</c> and <c>AWS_ROLE_ARN</c> (EKS IRSA);
/// <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> = <see cref="ContainerCredentialsUri"/> with
/// <c>AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE</c> (ECS, EKS Pod Identity); <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c> =
/// <see cref="InstanceMetadataEndpoint"/> (EC2). All members are thread-safe.
/// </remarks>
public sealed class AwsIdentityEmulator : IdentityEmulator
{
    private readonly AwsIdentityEmulatorOptions _options;

    private AwsIdentityEmulator(AwsIdentityEmulatorOptions options, IdentityProtocol protocol)
        : base(options, protocol)
    {
        _options = options;
        ContainerAuthorizationToken = IssuedCredentialLedger.NewToken("ecs-");
        protocol.Handle = new AwsIdentityRequestHandler(this, options).HandleAsync;
    }

    /// <summary>Gets the value for <c>AWS_ENDPOINT_URL_STS</c>.</summary>
    public string StsEndpoint => Endpoint.GetLeftPart(UriPartial.Authority);

    /// <summary>Gets the value for <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c>.</summary>
    public string InstanceMetadataEndpoint => Endpoint.GetLeftPart(UriPartial.Authority);

    /// <summary>Gets the value for <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c>.</summary>
    public string ContainerCredentialsUri => new Uri(Endpoint, AwsIdentityRequestHandler.ContainerCredentialsPath).ToString();

    /// <summary>
    /// Gets the token the container credentials endpoint requires in <c>Authorization</c>; write it to the file
    /// <c>AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE</c> names, as the ECS agent and the EKS Pod Identity agent do.
    /// </summary>
    public string ContainerAuthorizationToken { get; }

    /// <summary>Gets the account id principals belong to.</summary>
    public string AccountId => _options.AccountId;

    /// <summary>Gets the principal (assumed-role ARN) IMDS credentials are issued to, or <see langword="null"/> when the instance has no role.</summary>
    public string? InstancePrincipal => _options.InstanceRoleName is { Length: > 0 } role ? AssumedRoleArn(role, "i-0e1a2b3c4d5e6f708") : null;

    /// <summary>Gets the principal (assumed-role ARN) container credentials are issued to.</summary>
    public string ContainerPrincipal => AssumedRoleArn(_options.ContainerRoleName, "emulated-task");

    /// <summary>Starts an emulator on a loopback port.</summary>
    /// <param name="options">The settings; <see langword="null"/> uses the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static Task<AwsIdentityEmulator> StartAsync(AwsIdentityEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AwsIdentityEmulatorOptions();
        var protocol = new IdentityProtocol(options, (context, error) => AwsIdentityRequestHandler.WriteStsErrorAsync(context, error.Status, error.Code, error.Message));
        return ListenAsync(new AwsIdentityEmulator(options, protocol), protocol.Options, useHttps: false, cancellationToken);
    }

    /// <summary>Gets the ARN of a role in the emulator's account, for <c>AWS_ROLE_ARN</c>.</summary>
    /// <param name="roleName">The role's name.</param>
    /// <returns>For example <c>arn:aws:iam::123456789012:role/app</c>.</returns>
    public string RoleArn(string roleName) => $"arn:aws:iam::{_options.AccountId}:role/{roleName}";

    /// <summary>Gets the principal STS reports for a session of a role: <c>arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION</c>.</summary>
    /// <param name="roleName">The role's name.</param>
    /// <param name="sessionName">The session name.</param>
    /// <returns>The assumed-role ARN.</returns>
    public string AssumedRoleArn(string roleName, string sessionName) => $"arn:aws:sts::{_options.AccountId}:assumed-role/{roleName}/{sessionName}";

    /// <summary>
    /// Issues a web identity (OIDC) token for <paramref name="subject"/>, as the EKS OIDC issuer projects into a pod for
    /// IRSA; write it to the file <c>AWS_WEB_IDENTITY_TOKEN_FILE</c> names. It expires with the emulator's credentials.
    /// </summary>
    /// <param name="subject">The subject, for example <c>system:serviceaccount:default:app</c>.</param>
    /// <returns>The token.</returns>
    public string IssueWebIdentityToken(string subject = "system:serviceaccount:default:app")
    {
        var now = Ledger.Now;
        var claims = EmulatedJwt.Claims("https://oidc.eks.emulator.local/id/EMULATOR", subject, _options.WebIdentityAudience, now, now + _options.CredentialLifetime);
        var token = Jwt.Create(claims);
        Ledger.Issue(token, "web-identity:" + subject);
        return token;
    }

    /// <summary>
    /// Revokes a role: STS refuses to issue it credentials, and every credential already issued to a session of it is refused.
    /// </summary>
    /// <param name="roleName">The role's name.</param>
    public void RevokeRole(string roleName) => Ledger.RevokePrincipal($"arn:aws:sts::{_options.AccountId}:assumed-role/{roleName}/");

    /// <summary>Checks temporary credentials a cloud emulator received: who they were issued to, or why they are refused.</summary>
    /// <param name="accessKeyId">The access key id from the request's signature.</param>
    /// <returns>The principal, or the reason for refusal.</returns>
    public IdentityCheck CheckAccessKey(string accessKeyId) => Ledger.Check(accessKeyId);

    /// <summary>
    /// The <see cref="EmulatorAuthenticator"/> that lets a cloud emulator accept exactly the credentials this emulator
    /// issued, while they are valid: set <c>options.Authenticator = identity.Authenticate</c>. The principal is the
    /// assumed-role ARN and carries the secret key the request's signature must verify with. Every decision is recorded
    /// in <see cref="IdentityEmulator.Requests"/> as <c>authenticate</c>.
    /// </summary>
    /// <param name="credential">The access key id and session token a request carried.</param>
    /// <returns>The principal, or <see langword="null"/> to refuse the request.</returns>
    public EmulatorPrincipal? Authenticate(EmulatorCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var check = CheckSession(credential);
        if (!check.IsValid)
        {
            Calls.Failed("authenticate", check.Failure!, check.Principal);
            return null;
        }

        Calls.Succeeded("authenticate", check.Principal);
        return new EmulatorPrincipal(check.Principal!, Ledger.Find(credential.Value)!.Secret);
    }

    /// <summary>Gets every secret value issued so far (tokens, secret access keys, session tokens), for canary scans of captured output.</summary>
    /// <returns>The values.</returns>
    public override IReadOnlyList<string> IssuedSecrets() => [.. Ledger.IssuedValues(), ContainerAuthorizationToken];

    internal IdentityCheck CheckSession(EmulatorCredential credential)
    {
        if (credential.Kind != EmulatorCredential.AwsAccessKeyKind)
        {
            return IdentityCheck.Refused("not an AWS access key");
        }

        var issued = Ledger.Find(credential.Value);
        if (issued?.Secret is null)
        {
            return IdentityCheck.Refused("the access key was not issued by this identity emulator");
        }

        // Temporary credentials are only valid with the session token issued with them.
        return string.Equals(credential.SessionToken, issued.SessionToken, StringComparison.Ordinal)
            ? Ledger.Check(credential.Value)
            : IdentityCheck.Refused("the session token is missing or does not belong to the access key", issued.Principal);
    }

    internal IssuedCredential IssueSessionCredentials(string principal)
    {
        var accessKeyId = "ASIA" + RandomAlphanumeric(16);
        return Ledger.Issue(accessKeyId, principal, secret: Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)), sessionToken: IssuedCredentialLedger.NewToken("IQoJ", 96));
    }

    private static string RandomAlphanumeric(int length)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var builder = new StringBuilder(length);
        foreach (var b in RandomNumberGenerator.GetBytes(length))
        {
            builder.Append(Alphabet[b % Alphabet.Length]);
        }

        return builder.ToString();
    }
}

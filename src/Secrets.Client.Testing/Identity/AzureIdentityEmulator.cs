using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace Secrets.Client.Testing;

/// <summary>
/// The identity services an Azure workload gets its tokens from: the managed identity endpoint App Service, Functions
/// and Container Apps expose (<c>IDENTITY_ENDPOINT</c> + <c>IDENTITY_HEADER</c>, API 2019-08-01) and the VM instance
/// metadata service (IMDS, <c>Metadata: true</c>, API 2018-02-01) on one plain-HTTP loopback port, and a Microsoft Entra
/// token endpoint (client credentials with a federated client assertion: workload identity) on an HTTPS one.
/// Access tokens are JWTs carrying <c>oid</c>, <c>appid</c> and <c>tid</c> as Entra's do, and expire after
/// <see cref="IdentityEmulatorOptions.CredentialLifetime"/> by its clock; <see cref="AzureKeyVaultEmulator"/> pointed at it
/// accepts exactly those tokens.
/// </summary>
/// <remarks>
/// Point <c>DefaultAzureCredential</c> at it with <c>IDENTITY_ENDPOINT</c> = <see cref="ManagedIdentityEndpoint"/> and
/// <c>IDENTITY_HEADER</c> = <see cref="IdentityHeader"/>; with <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c> =
/// <see cref="ImdsEndpoint"/> for IMDS; or with <c>AZURE_AUTHORITY_HOST</c> = <see cref="AuthorityHost"/>,
/// <c>AZURE_TENANT_ID</c>, <c>AZURE_CLIENT_ID</c> and <c>AZURE_FEDERATED_TOKEN_FILE</c> for workload identity.
/// All members are thread-safe.
/// </remarks>
public sealed class AzureIdentityEmulator : IdentityEmulator
{
    private readonly AzureIdentityEmulatorOptions _options;
    private readonly ConcurrentDictionary<string, AzureEmulatedIdentity> _identities = new(StringComparer.OrdinalIgnoreCase);
    private readonly AzureIdentityRequestHandler _handler;
    private LoopbackServer? _https;

    private AzureIdentityEmulator(AzureIdentityEmulatorOptions options, IdentityProtocol protocol)
        : base(options, protocol)
    {
        _options = options;
        IdentityHeader = IssuedCredentialLedger.NewToken("idh-");
        SystemAssignedIdentity = Register(new AzureEmulatedIdentity("system-assigned", Guid.NewGuid().ToString(), Guid.NewGuid().ToString()));
        _handler = new AzureIdentityRequestHandler(this);
        protocol.Handle = _handler.HandleManagedIdentityAsync;
    }

    /// <summary>Gets the value for <c>IDENTITY_ENDPOINT</c>: the App Service style managed identity endpoint.</summary>
    public Uri ManagedIdentityEndpoint => new(Endpoint, AzureIdentityRequestHandler.ManagedIdentityPath.TrimStart('/'));

    /// <summary>Gets the value for <c>IDENTITY_HEADER</c>, the secret the managed identity endpoint requires in <c>X-IDENTITY-HEADER</c>.</summary>
    public string IdentityHeader { get; }

    /// <summary>Gets the value for <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c>: the base address of the emulated IMDS.</summary>
    public string ImdsEndpoint => Endpoint.GetLeftPart(UriPartial.Authority);

    /// <summary>Gets the value for <c>AZURE_AUTHORITY_HOST</c>: the HTTPS base address of the Entra token endpoint.</summary>
    public Uri AuthorityHost => Https.Endpoint;

    /// <summary>Gets the certificate the Entra endpoint serves; trust exactly this one.</summary>
    public X509Certificate2 AuthorityCertificate => Https.Certificate!;

    /// <summary>Gets the tenant id.</summary>
    public string TenantId => _options.TenantId;

    /// <summary>Gets the system-assigned managed identity the endpoints issue tokens to when no client id is asked for.</summary>
    public AzureEmulatedIdentity SystemAssignedIdentity { get; }

    /// <summary>
    /// Completes once the emulator has issued <paramref name="count"/> access tokens in all (App Service managed identity,
    /// IMDS, Entra client credentials), each recorded after its answer was written: a test awaits a credential's refresh
    /// instead of sleeping.
    /// </summary>
    /// <param name="count">The number of access tokens issued.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when that many have been issued.</returns>
    public Task WhenTokensIssuedAsync(int count, CancellationToken cancellationToken = default) =>
        Calls.WhenAsync(calls => calls.Count(IsTokenIssuance) >= count, cancellationToken);

    /// <summary>Whether <paramref name="call"/> issued an access token.</summary>
    /// <param name="call">A call from <see cref="IdentityEmulator.Requests"/>.</param>
    /// <returns><see langword="true"/> for a successful managed identity, IMDS or Entra token request.</returns>
    public static bool IsTokenIssuance(IdentityCall call) =>
        call is { Succeeded: true, Operation: "managed identity token" or "IMDS token" or "Entra client credentials (federated)" };

    internal AzureIdentityEmulatorOptions Options => _options;

    private LoopbackServer Https => _https ?? throw new InvalidOperationException("The emulator has not been started.");

    /// <summary>Starts an emulator on two loopback ports (HTTP for managed identity, HTTPS for Entra).</summary>
    /// <param name="options">The settings; <see langword="null"/> uses the defaults. <see cref="IdentityEmulatorOptions.Port"/> is the managed identity port.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<AzureIdentityEmulator> StartAsync(AzureIdentityEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AzureIdentityEmulatorOptions();
        var protocol = new IdentityProtocol(options);
        var emulator = await ListenAsync(new AzureIdentityEmulator(options, protocol), protocol.Options, useHttps: false, cancellationToken).ConfigureAwait(false);
        try
        {
            // Entra is HTTPS only and sits on its own port, outside the managed identity endpoints' pipeline.
            emulator._https = await LoopbackServer.StartAsync(emulator._handler.HandleEntraAsync, useHttps: true, port: 0, cancellationToken).ConfigureAwait(false);
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a handler that trusts exactly the Entra endpoint's certificate, for an SDK transport.</summary>
    /// <returns>The handler.</returns>
    public HttpMessageHandler CreateAuthorityHandler() => Https.CreateHandler();

    /// <summary>Adds a user-assigned managed identity; ask for it with its client id (<c>AZURE_CLIENT_ID</c> or the credential's option).</summary>
    /// <param name="name">The identity's name.</param>
    /// <returns>The identity.</returns>
    public AzureEmulatedIdentity AddUserAssignedIdentity(string name) =>
        Register(new AzureEmulatedIdentity(name, Guid.NewGuid().ToString(), Guid.NewGuid().ToString()));

    /// <summary>Adds an application registration with a federated credential trusting <paramref name="subject"/> (workload identity).</summary>
    /// <param name="name">The application's name.</param>
    /// <param name="subject">The Kubernetes service account subject, for example <c>system:serviceaccount:default:app</c>.</param>
    /// <returns>The identity; its client id goes in <c>AZURE_CLIENT_ID</c>.</returns>
    public AzureEmulatedIdentity AddWorkloadIdentity(string name, string subject = "system:serviceaccount:default:app") =>
        Register(new AzureEmulatedIdentity(name, Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), subject));

    /// <summary>
    /// Issues a projected service account token for <paramref name="subject"/>, as the AKS OIDC issuer does for workload
    /// identity; write it to the file <c>AZURE_FEDERATED_TOKEN_FILE</c> names. It expires with the emulator's credentials.
    /// </summary>
    /// <param name="subject">The subject.</param>
    /// <returns>The token.</returns>
    public string IssueFederatedToken(string subject = "system:serviceaccount:default:app")
    {
        var now = Ledger.Now;
        var token = Jwt.Create(EmulatedJwt.Claims("https://oidc.aks.emulator.local/" + _options.TenantId + "/", subject, _options.FederatedTokenAudience, now, now + _options.CredentialLifetime));
        Ledger.Issue(token, "federated:" + subject);
        return token;
    }

    /// <summary>Revokes an identity: nothing more is issued to it and its tokens are refused.</summary>
    /// <param name="identity">The identity.</param>
    public void Revoke(AzureEmulatedIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        Ledger.RevokePrincipal(identity.ObjectId);
    }

    /// <summary>Checks an access token a cloud emulator received: the object id it was issued to, or why it is refused.</summary>
    /// <param name="accessToken">The bearer token.</param>
    /// <returns>The principal (object id), or the reason for refusal.</returns>
    public IdentityCheck CheckAccessToken(string accessToken) => Ledger.Check(accessToken);

    /// <summary>
    /// The <see cref="EmulatorAuthenticator"/> that lets a cloud emulator accept exactly the access tokens this emulator
    /// issued, while they are valid: set <c>options.Authenticator = identity.Authenticate</c>. Every decision is recorded
    /// in <see cref="IdentityEmulator.Requests"/> as <c>authenticate</c>.
    /// </summary>
    /// <param name="credential">The bearer token a request carried.</param>
    /// <returns>The principal (the identity's object id), or <see langword="null"/> to refuse the request.</returns>
    public EmulatorPrincipal? Authenticate(EmulatorCredential credential) => Ledger.AuthenticateBearer(credential, Calls);

    /// <summary>Gets every token issued so far and the identity header, for canary scans of captured output.</summary>
    /// <returns>The values.</returns>
    public override IReadOnlyList<string> IssuedSecrets() => [.. Ledger.IssuedValues(), IdentityHeader];

    /// <summary>Stops the managed identity server (the base) and the Entra server.</summary>
    private protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore().ConfigureAwait(false);
        if (_https is not null)
        {
            await _https.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal AzureEmulatedIdentity? FindIdentity(string idOrClientId) => _identities.TryGetValue(idOrClientId, out var identity) ? identity : null;

    internal IssuedCredential IssueAccessToken(AzureEmulatedIdentity identity, string resource)
    {
        var now = Ledger.Now;
        var claims = EmulatedJwt.Claims($"https://sts.windows.net/{_options.TenantId}/", identity.ObjectId, resource.TrimEnd('/'), now, now + _options.CredentialLifetime);
        claims["oid"] = identity.ObjectId;
        claims["appid"] = identity.ClientId;
        claims["tid"] = _options.TenantId;
        claims["idtyp"] = "app";
        if (identity.FederatedSubject is null)
        {
            claims["xms_mirid"] = $"/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/emulator/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{identity.Name}";
        }

        return Ledger.Issue(Jwt.Create(claims), identity.ObjectId);
    }

    private AzureEmulatedIdentity Register(AzureEmulatedIdentity identity)
    {
        _identities[identity.ClientId] = identity;
        _identities[identity.ObjectId] = identity;
        return identity;
    }
}

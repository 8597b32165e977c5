using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Logging;
using Secrets.Client.Transport;

namespace Secrets.Client.Gcp;

/// <summary>
/// The provider's Google credential: access tokens, re-read before each request so that they can roll, and the principal
/// they act as (for <see cref="SecretProvider.Identity"/> and the audit), resolved once. Never holds or shows a token.
/// </summary>
internal sealed class GcpCredentials
{
    private const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly string _provider;
    private readonly ILogger _logger;
    private readonly SecretProviderOptions? _options;
    private readonly Func<CancellationToken, ValueTask<string>>? _tokens;
    private readonly string? _kind;
    private readonly Func<CancellationToken, Task<string?>>? _resolvePrincipal;
    private Task<string?>? _principal;

    private GcpCredentials(string provider, ILogger logger, SecretProviderOptions? options, Func<CancellationToken, ValueTask<string>>? tokens, string? kind, Func<CancellationToken, Task<string?>>? resolvePrincipal)
    {
        _provider = provider;
        _logger = logger;
        _options = options;
        _tokens = tokens;
        _kind = kind;
        _resolvePrincipal = resolvePrincipal;
    }

    /// <summary>Gets a value indicating whether requests carry a bearer token (not for an emulator).</summary>
    public bool HasTokens => _tokens is not null;

    /// <summary>Gets the principal once resolved, else the kind of credential.</summary>
    public string? Identity => Volatile.Read(ref _principal) is { IsCompletedSuccessfully: true } principal ? principal.Result ?? _kind : _kind;

    /// <summary>The credential for an emulator: none, as Google's client libraries send none.</summary>
    public static GcpCredentials ForEmulator(string provider, ILogger logger) =>
        new(provider, logger, options: null, tokens: null, "emulator (" + GcpSecretManagerSecretProvider.EmulatorHostVariable + ")", resolvePrincipal: null);

    /// <summary>The credential the options name: an access token callback, a credential (or its key file), or Application Default Credentials.</summary>
    public static GcpCredentials Create(string provider, ILogger logger, GcpSecretManagerSecretProviderOptions options)
    {
        if (options.AccessTokenProvider is { } tokens)
        {
            return new(provider, logger, options, tokens, "access token provider", resolvePrincipal: null);
        }

        if ((options.CredentialFile is { } file ? CredentialFactory.FromFile<ServiceAccountCredential>(file).ToGoogleCredential() : options.Credential) is { } credential)
        {
            var scoped = credential.IsCreateScopedRequired ? credential.CreateScoped(CloudPlatformScope) : credential;
            return new(provider, logger, options, ct => new ValueTask<string>(((ITokenAccess)scoped).GetAccessTokenForRequestAsync(authUri: null, ct)), "GoogleCredential (" + credential.UnderlyingCredential.GetType().Name + ")",
                ct => GoogleCredentialLink.ResolvePrincipalAsync(credential, ct));
        }

        var adc = new ApplicationDefaultTokenSource(CloudPlatformScope);
        return new(provider, logger, options, adc.GetTokenAsync, "Application Default Credentials", adc.ResolvePrincipalAsync);
    }

    /// <summary>Gets an access token (resolving the principal on first use).</summary>
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        string? token;
        try
        {
            token = await _tokens!(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken) && ex is not SecretStoreException)
        {
            throw CredentialFailure(ex);
        }

        if (_resolvePrincipal is not null && Volatile.Read(ref _principal) is not { IsCompletedSuccessfully: true })
        {
            await ResolvePrincipalAsync(throwOnFailure: _options?.ProductionIdentities.Count > 0, cancellationToken).ConfigureAwait(false);
        }

        return string.IsNullOrEmpty(token)
            ? throw new SecretAccessDeniedException($"The access token provider of provider '{_provider}' returned no token.") { ErrorCode = "CredentialUnavailable" }
            : token;
    }

    /// <summary>Resolves the principal once per provider (a credential's service account does not change); a failed attempt is retried next time.</summary>
    public async Task ResolvePrincipalAsync(bool throwOnFailure, CancellationToken cancellationToken)
    {
        if (_resolvePrincipal is null)
        {
            return;
        }

        var current = Volatile.Read(ref _principal);
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            var fresh = _resolvePrincipal(CancellationToken.None);
            current = Interlocked.CompareExchange(ref _principal, fresh, current) == current ? fresh : Volatile.Read(ref _principal)!;
        }

        try
        {
            await current.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            if (throwOnFailure)
            {
                throw CredentialFailure(ex);
            }

            // The principal is for the audit; not knowing it must not fail a read that has a token.
            GcpSecretManagerLog.PrincipalUnresolved(_logger, _provider, ex.GetType().Name);
        }
    }

    private SecretStoreException CredentialFailure(Exception exception)
    {
        var explained = GoogleCredentialLink.Explain(exception);

        // A token service that cannot be reached may be a blip; anything else is a setup or revocation problem.
        return exception is HttpRequestException or TaskCanceledException && IsUnset("GCE_METADATA_HOST")
            ? new SecretUnavailableException($"Getting a Google access token for provider '{_provider}' failed: {explained}.", exception) { ErrorCode = "AuthenticationFailed" }
            : new SecretAccessDeniedException($"Getting a Google access token for provider '{_provider}' failed: {explained}.", exception) { ErrorCode = "CredentialUnavailable" };
    }

    private static bool IsUnset(string name) => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name));
}

using Azure.Core;

namespace Secrets.Client.Testing;

/// <summary>
/// A <see cref="TokenCredential"/> that hands out a fixed bearer token, such as <see cref="AzureKeyVaultEmulator.TestToken"/>.
/// It records what the client asked for, so that tests can check the challenge was followed.
/// </summary>
public sealed class EmulatorTokenCredential : TokenCredential
{
    private readonly string _token;
    private readonly TimeProvider _timeProvider;
    private TokenRequest? _lastRequest;
    private int _requestCount;

    /// <summary>Initializes a new instance of the <see cref="EmulatorTokenCredential"/> class.</summary>
    /// <param name="token">The token to hand out.</param>
    /// <param name="timeProvider">The clock for the token's expiry (one hour from the request). Default <see cref="TimeProvider.System"/>.</param>
    public EmulatorTokenCredential(string token, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _token = token;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets how many tokens were requested.</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>Gets the scopes of the last token request (for Key Vault, <c>https://vault.azure.net/.default</c>).</summary>
    public IReadOnlyList<string> LastScopes => Volatile.Read(ref _lastRequest)?.Scopes ?? [];

    /// <summary>Gets the tenant of the last token request, taken by the client from the challenge.</summary>
    public string? LastTenantId => Volatile.Read(ref _lastRequest)?.TenantId;

    /// <inheritdoc/>
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastRequest, new TokenRequest(requestContext.Scopes ?? [], requestContext.TenantId));
        Interlocked.Increment(ref _requestCount);
        return new AccessToken(_token, _timeProvider.GetUtcNow().AddHours(1));
    }

    /// <inheritdoc/>
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));

    /// <summary>Returns the type name; never the token.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => nameof(EmulatorTokenCredential);

    private sealed record TokenRequest(IReadOnlyList<string> Scopes, string? TenantId);
}

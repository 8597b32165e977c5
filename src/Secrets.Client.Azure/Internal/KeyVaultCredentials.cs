using Azure.Core;
using Azure.Identity;

namespace Secrets.Client.Azure;

/// <summary>
/// The provider's Azure credential (the configured one, the emulator's token, or <see cref="DefaultAzureCredential"/>) and
/// the principal it acts as: the kind of credential until a token is issued, then the token's <c>oid</c>. Never a token.
/// </summary>
internal sealed class KeyVaultCredentials
{
    private const string KeyVaultScope = "https://vault.azure.net/.default";

    private readonly string? _tenantId;
    private string? _identity;

    public KeyVaultCredentials(AzureKeyVaultSecretProviderOptions options, Uri? environmentVault)
    {
        _tenantId = options.TenantId;
        if (options.Credential is { } credential)
        {
            Credential = new TokenIdentityObserver(credential, ObjectIdResolved);
            _identity = credential.GetType().Name;
        }
        else if (KeyVaultEmulatorEnvironment.Credential(environmentVault) is { } emulatorToken)
        {
            Credential = emulatorToken;
            _identity = $"emulator token from {AzureKeyVaultSecretProvider.EmulatorTokenVariable}";
        }
        else
        {
            Credential = new TokenIdentityObserver(
                new DefaultAzureCredential(new DefaultAzureCredentialOptions
                {
                    TenantId = options.TenantId,
                    ManagedIdentityClientId = options.ClientId,
                    WorkloadIdentityClientId = options.ClientId,
                }),
                ObjectIdResolved);
            _identity = nameof(DefaultAzureCredential)
                + (options.TenantId is null ? string.Empty : $" (tenant {options.TenantId})")
                + (options.ClientId is null ? string.Empty : $" (client id {options.ClientId})");
        }
    }

    /// <summary>Gets the credential the vaults' clients use.</summary>
    public TokenCredential Credential { get; }

    /// <summary>Gets the principal once a token was issued, else the kind of credential.</summary>
    public string? Identity => Volatile.Read(ref _identity);

    /// <summary>Asks for a Key Vault token (which the credential caches for the requests that follow), so that <see cref="Identity"/> is known.</summary>
    public async ValueTask ResolveAsync(CancellationToken cancellationToken) =>
        _ = await Credential.GetTokenAsync(new TokenRequestContext([KeyVaultScope], tenantId: _tenantId), cancellationToken).ConfigureAwait(false);

    private void ObjectIdResolved(string objectId) => Volatile.Write(ref _identity, objectId);
}

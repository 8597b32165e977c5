using Azure.Core;
using Azure.Security.KeyVault.Secrets;

namespace Secrets.Client.Azure;

/// <summary>Settings for <see cref="AzureKeyVaultSecretProvider"/>.</summary>
/// <remarks>
/// <para><b>Vaults.</b> A reference's path is <c>vault/secret-name</c> or just <c>secret-name</c> (the
/// <see cref="DefaultVault"/>). <c>vault</c> is a key of <see cref="Vaults"/>; otherwise, when
/// <see cref="AllowUnlistedVaults"/> is on, a vault name (<c>myvault</c> means <c>https://myvault.vault.azure.net/</c>)
/// or a host ending in <see cref="VaultDnsSuffix"/>.</para>
/// <para><b>Retries.</b> The store's resilience pipeline (<see cref="SecretProviderOptions.Resilience"/>) is the one retry
/// policy: the provider turns the Azure SDK's own retries off so that the two never multiply. To keep the SDK's retries
/// instead, set <c>Retry.MaxRetries</c> in <see cref="ConfigureClientOptions"/> and <c>Resilience.MaxRetryAttempts = 0</c>;
/// enabling both is refused.</para>
/// </remarks>
public class AzureKeyVaultSecretProviderOptions : SecretProviderOptions
{
    /// <summary>
    /// Initializes a new instance of the <see cref="AzureKeyVaultSecretProviderOptions"/> class. <see cref="SecretProviderOptions.MaxConcurrentRequests"/>
    /// defaults to 32: a start-up burst of a few hundred reads stays well within Key Vault's limit of 4,000 reads per 10 seconds per vault.
    /// </summary>
    public AzureKeyVaultSecretProviderOptions() => MaxConcurrentRequests = 32;

    /// <summary>The tag that limits a secret to environments, unless <see cref="EnvironmentTagName"/> says otherwise.</summary>
    public const string DefaultEnvironmentTagName = "environment";

    /// <summary>Gets the vaults by the name references use for them (case-insensitive), for example <c>"main" → https://contoso.vault.azure.net/</c>.</summary>
    public IDictionary<string, Uri> Vaults { get; } = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets the vault used by references and listings that name none. <see langword="null"/> (the default) means
    /// the only entry of <see cref="Vaults"/> when there is exactly one, else the vault named by <c>AZURE_KEYVAULT_URL</c>.
    /// </summary>
    public string? DefaultVault { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether references may name vaults that are not in <see cref="Vaults"/> (by vault name
    /// or by a host ending in <see cref="VaultDnsSuffix"/>). Default <see langword="true"/>.
    /// </summary>
    public bool AllowUnlistedVaults { get; set; } = true;

    /// <summary>Gets or sets the DNS suffix of vaults named by their bare name. Default <c>vault.azure.net</c> (public cloud).</summary>
    public string VaultDnsSuffix { get; set; } = "vault.azure.net";

    /// <summary>
    /// Gets or sets the credential. <see langword="null"/> (the default) uses <c>DefaultAzureCredential</c> with
    /// <see cref="TenantId"/> and <see cref="ClientId"/>: environment, workload identity, managed identity, then developer
    /// tools such as the Azure CLI. Not bound from configuration.
    /// </summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>
    /// Gets or sets the Microsoft Entra tenant the default credential authenticates in, so that two providers can reach
    /// vaults of two tenants; <see langword="null"/> uses the credential's own default (<c>AZURE_TENANT_ID</c>).
    /// </summary>
    public string? TenantId { get; set; }

    /// <summary>
    /// Gets or sets the client id the default credential uses for a user-assigned managed identity or workload identity;
    /// <see langword="null"/> uses the credential's own default (<c>AZURE_CLIENT_ID</c>, the system-assigned identity).
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Gets or sets a callback that adjusts the <see cref="SecretClientOptions"/> of every vault client, for example its
    /// <c>Transport</c> or <c>DisableChallengeResourceVerification</c>. It runs after the provider's own settings.
    /// Content logging (<c>Diagnostics.IsLoggingContentEnabled</c>) is refused: it would write secret values to logs.
    /// </summary>
    public Action<SecretClientOptions>? ConfigureClientOptions { get; set; }

    /// <summary>
    /// Gets or sets the tag that limits a secret to environments: a secret tagged <c>environment=Production</c> (several
    /// separated by commas) is refused in any other environment with <see cref="SecretEnvironmentScopeException"/> and left
    /// out of listings. <see langword="null"/> turns tag scoping off. Default <see cref="DefaultEnvironmentTagName"/>.
    /// </summary>
    public string? EnvironmentTagName { get; set; } = DefaultEnvironmentTagName;

    /// <summary>
    /// Gets the content types whose values Key Vault holds as base64 and that are returned decoded, as bytes.
    /// Default: <c>application/x-pkcs12</c> (certificate-backed secrets).
    /// </summary>
    public IList<string> Base64ContentTypes { get; } = new List<string> { "application/x-pkcs12" };

    /// <summary>
    /// Gets or sets the callback that makes a new value when a secret is rotated now. Key Vault has no server-side rotation
    /// for secrets, so without it <c>RotateSecretAsync</c> throws <see cref="NotSupportedException"/>. The provider stores
    /// the value as a new version with the current version's content type and tags, then disposes it.
    /// </summary>
    public Func<SecretReference, CancellationToken, ValueTask<SecretValue>>? RotationValueGenerator { get; set; }

    /// <inheritdoc/>
    protected override void AddValidationFailures(ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        foreach (var (key, uri) in Vaults)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Contains('/', StringComparison.Ordinal))
            {
                failures.Add($"Vault key '{key}' must be non-empty and contain no '/'.");
            }

            if (uri is null || !uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add($"Vault '{key}' must have an absolute https:// address (the Azure SDK sends tokens over HTTPS only); got '{uri}'.");
            }
        }

        if (string.IsNullOrWhiteSpace(VaultDnsSuffix))
        {
            failures.Add($"{nameof(VaultDnsSuffix)} must not be empty.");
        }
    }
}

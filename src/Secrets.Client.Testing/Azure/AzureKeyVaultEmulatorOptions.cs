namespace Secrets.Client.Testing;

/// <summary>Settings for <see cref="AzureKeyVaultEmulator"/>.</summary>
public sealed class AzureKeyVaultEmulatorOptions : EmulatorOptions
{
    /// <summary>
    /// Gets or sets the bearer token the emulator accepts; <see langword="null"/> (the default) makes a random one at start.
    /// Any other token is refused with 401, as the service refuses a token it did not issue.
    /// </summary>
    public string? TestToken { get; set; }

    /// <summary>Gets or sets the tenant named in the authentication challenge. Default: a fixed test tenant id.</summary>
    public string TenantId { get; set; } = "72f988bf-0000-0000-0000-2d7cd011db47";

    /// <summary>Gets or sets the largest page a listing returns, as the service's <c>maxresults</c> cap. Default 25, like the service.</summary>
    public int MaxPageSize { get; set; } = 25;

    /// <summary>
    /// Gets or sets a value indicating whether reading an expired or not-yet-valid secret is refused with 403
    /// (<c>SecretExpired</c>, <c>SecretNotYetValid</c>), as the service documents. Default <see langword="true"/>.
    /// </summary>
    public bool EnforceValidityPeriod { get; set; } = true;

    /// <summary>
    /// Gets where to deliver the Event Grid events a real vault would publish when a secret gets a new version
    /// (<c>Microsoft.KeyVault.SecretNewVersionCreated</c>): Storage queues (for example in Azurite) or webhooks. Empty by default.
    /// </summary>
    public IList<KeyVaultEventSink> EventSinks { get; } = [];

    /// <summary>Gets or sets the vault name the events carry (<c>VaultName</c>, and the topic's last segment). Default <c>emulator</c>.</summary>
    public string EventVaultName { get; set; } = "emulator";
}

namespace Secrets.Client.Testing;

/// <summary>Settings for an <see cref="AzureIdentityEmulator"/>.</summary>
public sealed class AzureIdentityEmulatorOptions : IdentityEmulatorOptions
{
    /// <summary>Gets or sets the directory (tenant) id tokens are issued in. Default <c>72f988bf-0000-4000-8000-00000000e17a</c>.</summary>
    public string TenantId { get; set; } = "72f988bf-0000-4000-8000-00000000e17a";

    /// <summary>Gets or sets the audience federated tokens must carry, as Entra requires. Default <c>api://AzureADTokenExchange</c>.</summary>
    public string FederatedTokenAudience { get; set; } = "api://AzureADTokenExchange";
}

namespace Secrets.Client.Azure;

/// <summary>Where a secret lives: the vault's address and the secret's name in it, plus the name shown to callers.</summary>
/// <param name="VaultUri">The vault.</param>
/// <param name="SecretName">The secret's name in Key Vault.</param>
/// <param name="DisplayName">The path the caller used (<c>vault/name</c> or <c>name</c>), used in results and errors.</param>
internal readonly record struct KeyVaultLocation(Uri VaultUri, string SecretName, string DisplayName)
{
    public string Vault => VaultUri.Authority;
}

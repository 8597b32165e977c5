namespace Secrets.Client.Vault;

/// <summary>How <see cref="HashiCorpVaultSecretProvider"/> obtains a Vault token.</summary>
public enum VaultAuthMethod
{
    /// <summary>
    /// Kubernetes auth: the pod's service account token (a JWT read from
    /// <see cref="HashiCorpVaultSecretProviderOptions.ServiceAccountTokenPath"/> at each login) is exchanged for a Vault
    /// token with <see cref="HashiCorpVaultSecretProviderOptions.Role"/>. No secret lives in configuration.
    /// </summary>
    Kubernetes,

    /// <summary>
    /// AppRole auth: <see cref="HashiCorpVaultSecretProviderOptions.AppRoleRoleId"/> plus a secret id read at each login
    /// from a file or an environment variable (for example one written by a trusted orchestrator).
    /// </summary>
    AppRole,

    /// <summary>
    /// A ready token read from an environment variable (<c>VAULT_TOKEN</c> by default) before each login; for development.
    /// Refused in <c>Production</c> unless <see cref="HashiCorpVaultSecretProviderOptions.AllowTokenInProduction"/> is set.
    /// </summary>
    Token,
}

namespace Secrets.Client.Vault;

/// <summary>Settings for <see cref="HashiCorpVaultSecretProvider"/>.</summary>
/// <remarks>
/// <para><b>References.</b> <c>vault://mount/path/to/secret?version=3#key</c>: the first path segment is the KV v2
/// mount (for example <c>secret</c>), the rest the secret's path in it. The value is the secret's whole data object as
/// JSON; <c>#key</c> selects one key of it.</para>
/// <para><b>Authentication.</b> <see cref="AuthMethod"/> picks Kubernetes (default), AppRole or a development token. The
/// provider renews its token before its lease runs out (<c>auth/token/renew-self</c>) and logs in again when renewal is
/// refused or a request answers 403. The token is never logged.</para>
/// </remarks>
public class HashiCorpVaultSecretProviderOptions : SecretProviderOptions
{
    /// <summary>The service account token path Kubernetes mounts into every pod.</summary>
    public const string DefaultServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /// <summary>The environment variable <see cref="VaultAuthMethod.Token"/> reads unless told otherwise.</summary>
    public const string DefaultTokenEnvironmentVariable = "VAULT_TOKEN";

    /// <summary>
    /// Gets or sets Vault's address, for example <c>https://vault.internal:8200/</c>. <see langword="null"/> (the default)
    /// reads <c>VAULT_ADDR</c>. Plain <c>http</c> is refused unless the host is a loopback address or
    /// <see cref="AllowInsecureHttp"/> is set: tokens and values would cross the network in clear.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets a value indicating whether plain <c>http</c> to a non-loopback host is allowed. Default <see langword="false"/>.</summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>Gets or sets the Vault Enterprise namespace sent as <c>X-Vault-Namespace</c> on every request; <see langword="null"/> reads <c>VAULT_NAMESPACE</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary>Gets or sets how the provider logs in. Default <see cref="VaultAuthMethod.Kubernetes"/>.</summary>
    public VaultAuthMethod AuthMethod { get; set; } = VaultAuthMethod.Kubernetes;

    /// <summary>
    /// Gets or sets the path the auth method is mounted at; <see langword="null"/> (the default) means <c>kubernetes</c>
    /// or <c>approle</c>, by <see cref="AuthMethod"/>.
    /// </summary>
    public string? AuthMount { get; set; }

    /// <summary>Gets or sets the Vault role to log in as with <see cref="VaultAuthMethod.Kubernetes"/>. Required for it.</summary>
    public string? Role { get; set; }

    /// <summary>Gets or sets the file holding the pod's service account JWT, read at each Kubernetes login (Kubernetes rotates it). Default <see cref="DefaultServiceAccountTokenPath"/>.</summary>
    public string ServiceAccountTokenPath { get; set; } = DefaultServiceAccountTokenPath;

    /// <summary>Gets or sets the AppRole role id (not a secret on its own). Required for <see cref="VaultAuthMethod.AppRole"/>.</summary>
    public string? AppRoleRoleId { get; set; }

    /// <summary>Gets or sets a file holding the AppRole secret id, read at each login. Set this or <see cref="AppRoleSecretIdEnvironmentVariable"/>.</summary>
    public string? AppRoleSecretIdPath { get; set; }

    /// <summary>Gets or sets an environment variable holding the AppRole secret id, read at each login. Set this or <see cref="AppRoleSecretIdPath"/>.</summary>
    public string? AppRoleSecretIdEnvironmentVariable { get; set; }

    /// <summary>Gets or sets the environment variable <see cref="VaultAuthMethod.Token"/> reads. Default <see cref="DefaultTokenEnvironmentVariable"/>.</summary>
    public string TokenEnvironmentVariable { get; set; } = DefaultTokenEnvironmentVariable;

    /// <summary>
    /// Gets or sets a value indicating whether <see cref="VaultAuthMethod.Token"/> may be used when <see cref="SecretProviderOptions.Environment"/>
    /// is <c>Production</c>. Default <see langword="false"/>: a long-lived static token is a development convenience.
    /// </summary>
    public bool AllowTokenInProduction { get; set; }

    /// <summary>
    /// Gets or sets the share of a token's lease after which it is renewed, between 0.1 and 0.95. Default 0.67: renew
    /// when two thirds of the lease have passed, leaving time for a retry before it expires.
    /// </summary>
    public double RenewAfterLeaseFraction { get; set; } = 0.67;

    /// <summary>
    /// Gets or sets the callback that makes a new value when a secret is rotated now. KV v2 has no server-side rotation,
    /// so without it <c>RotateSecretAsync</c> throws <see cref="NotSupportedException"/>. The value is written as a new
    /// version (a JSON object, or wrapped as <c>{"value": ...}</c>) and then disposed.
    /// </summary>
    public Func<SecretReference, CancellationToken, ValueTask<SecretValue>>? RotationValueGenerator { get; set; }

    /// <inheritdoc/>
    protected override void AddValidationFailures(ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        switch (AuthMethod)
        {
            case VaultAuthMethod.Kubernetes:
                Require(!string.IsNullOrWhiteSpace(Role), $"Kubernetes auth needs {nameof(Role)}, the Vault role to log in as.");
                Require(!string.IsNullOrWhiteSpace(ServiceAccountTokenPath), $"{nameof(ServiceAccountTokenPath)} must not be empty.");
                break;
            case VaultAuthMethod.AppRole:
                Require(!string.IsNullOrWhiteSpace(AppRoleRoleId), $"AppRole auth needs {nameof(AppRoleRoleId)}.");
                Require(
                    string.IsNullOrWhiteSpace(AppRoleSecretIdPath) != string.IsNullOrWhiteSpace(AppRoleSecretIdEnvironmentVariable),
                    $"AppRole auth needs exactly one of {nameof(AppRoleSecretIdPath)} and {nameof(AppRoleSecretIdEnvironmentVariable)}.");
                break;
            case VaultAuthMethod.Token:
                Require(!string.IsNullOrWhiteSpace(TokenEnvironmentVariable), $"{nameof(TokenEnvironmentVariable)} must not be empty.");
                break;
            default:
                failures.Add($"{nameof(AuthMethod)} '{AuthMethod}' is not a known auth method.");
                break;
        }

        Require(RenewAfterLeaseFraction is >= 0.1 and <= 0.95, $"{nameof(RenewAfterLeaseFraction)} must be between 0.1 and 0.95; got {RenewAfterLeaseFraction}.");

        void Require(bool ok, string failure)
        {
            if (!ok)
            {
                failures.Add(failure);
            }
        }
    }
}

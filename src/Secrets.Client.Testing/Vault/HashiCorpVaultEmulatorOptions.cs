namespace Secrets.Client.Testing;

/// <summary>Settings for <see cref="HashiCorpVaultEmulator"/>.</summary>
public sealed class HashiCorpVaultEmulatorOptions : EmulatorOptions
{
    /// <summary>Gets the KV v2 mounts the emulator serves. Default: <c>secret</c>, as in Vault's dev server.</summary>
    public IList<string> Mounts { get; } = new List<string> { "secret" };

    /// <summary>Gets or sets the root token (never expires, may do anything); <see langword="null"/> (the default) makes a random one.</summary>
    public string? RootToken { get; set; }

    /// <summary>Gets or sets the lease of tokens issued by logins and extended by <c>renew-self</c>. Default one hour.</summary>
    public TimeSpan TokenTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the longest a login token may live, renewals included. Default 24 hours.</summary>
    public TimeSpan TokenMaxTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets the path Kubernetes auth is mounted at. Default <c>kubernetes</c>.</summary>
    public string KubernetesAuthMount { get; set; } = "kubernetes";

    /// <summary>Gets or sets the Kubernetes auth role the emulator accepts. Default <c>app</c>.</summary>
    public string KubernetesRole { get; set; } = "app";

    /// <summary>Gets or sets the service account JWT the emulator accepts; <see langword="null"/> (the default) makes a random one.</summary>
    public string? KubernetesJwt { get; set; }

    /// <summary>Gets or sets the path AppRole auth is mounted at. Default <c>approle</c>.</summary>
    public string AppRoleAuthMount { get; set; } = "approle";

    /// <summary>Gets or sets the AppRole role id the emulator accepts; <see langword="null"/> (the default) makes a random one.</summary>
    public string? AppRoleRoleId { get; set; }

    /// <summary>Gets or sets the AppRole secret id the emulator accepts; <see langword="null"/> (the default) makes a random one.</summary>
    public string? AppRoleSecretId { get; set; }

    /// <summary>
    /// Gets API path prefixes (after <c>/v1/</c>, for example <c>secret/metadata/</c>) that tokens issued by a login may
    /// not use, as a Vault policy would deny them: such requests get 403 <c>permission denied</c>. The root token may use any.
    /// </summary>
    public IList<string> DeniedPaths { get; } = new List<string>();

    /// <summary>
    /// Gets the ACL policies tokens issued by a Kubernetes or AppRole login carry (plus <c>default</c>). Empty (the
    /// default) leaves login tokens unrestricted but for <see cref="DeniedPaths"/>. Write policies with
    /// <see cref="HashiCorpVaultEmulator.WritePolicy"/> or <c>sys/policies/acl</c>.
    /// </summary>
    public IList<string> LoginPolicies { get; } = new List<string>();

    /// <summary>
    /// Gets or sets a value indicating whether the emulator serves Vault Enterprise's event subscription websocket
    /// (<c>sys/events/subscribe</c>) and publishes KV v2 events. Default <see langword="true"/>; <see langword="false"/>
    /// answers 404 there, as Community Vault does.
    /// </summary>
    public bool EventsEnabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the file a file audit device writes to, as <c>vault audit enable file file_path=...</c> does: a
    /// <c>request</c> and a <c>response</c> JSON line per call, tokens and string values HMAC'd with the device's key
    /// (<c>sys/audit-hash/{device}</c> computes the same HMAC). No audit log when null.
    /// </summary>
    public string? AuditLogPath { get; set; }

    /// <summary>Gets or sets the audit device's path (the name <c>sys/audit-hash/{path}</c> takes). Defaults to <c>file</c>.</summary>
    public string AuditDevicePath { get; set; } = "file";
}

namespace Secrets.Client.Vault;

/// <summary>The <c>metadata</c> Vault returns beside (or instead of) a KV v2 version's data.</summary>
internal sealed class VaultKvVersion
{
    public int Version { get; set; }

    public DateTimeOffset? CreatedOn { get; set; }

    public DateTimeOffset? DeletedOn { get; set; }

    public bool Destroyed { get; set; }

    public Dictionary<string, string>? CustomMetadata { get; set; }
}

namespace Secrets.Client.Testing;

/// <summary>One version of an emulated secret. Mutated only under the vault's lock.</summary>
internal sealed class KeyVaultStoredVersion
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    public required string Value { get; init; }

    public string? ContentType { get; set; }

    public bool Enabled { get; set; } = true;

    public DateTimeOffset? NotBefore { get; set; }

    public DateTimeOffset? ExpiresOn { get; set; }

    public DateTimeOffset Created { get; init; }

    public DateTimeOffset Updated { get; set; }

    public Dictionary<string, string>? Tags { get; set; }
}

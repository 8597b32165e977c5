namespace Secrets.Client.Vault;

/// <summary>A Vault token and its lease, as the provider tracks it.</summary>
/// <param name="Value">The token; never logged.</param>
/// <param name="IssuedAt">When the lease started (login or last renewal).</param>
/// <param name="Lease">The lease; <see cref="TimeSpan.Zero"/> for a token that does not expire (such as a root token).</param>
/// <param name="LoginLease">The lease the login gave, to notice a renewal cut short by the token's maximum TTL.</param>
/// <param name="Renewable">Whether <c>renew-self</c> may extend it.</param>
internal sealed record VaultToken(string Value, DateTimeOffset IssuedAt, TimeSpan Lease, TimeSpan LoginLease, bool Renewable)
{
    public DateTimeOffset ExpiresAt => IssuedAt + Lease;

    public override string ToString() => $"VaultToken(lease {Lease}, renewable {Renewable})";
}

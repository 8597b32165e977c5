namespace Secrets.Client.Vault;

/// <summary>Vault answered 404 to the event subscription: Community Vault, or an Enterprise version without events.</summary>
internal sealed class VaultEventsUnsupportedException : Exception
{
    public VaultEventsUnsupportedException()
        : base("Vault has no event subscription endpoint (Community Vault, or Enterprise before 1.16).")
    {
    }

    public VaultEventsUnsupportedException(string message)
        : base(message)
    {
    }

    public VaultEventsUnsupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

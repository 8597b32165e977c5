namespace Secrets.Client.Testing;

/// <summary>The states of a Secret Manager version, as the REST API spells them.</summary>
internal static class GcpSecretVersionStates
{
    public const string Enabled = "ENABLED";
    public const string Disabled = "DISABLED";
    public const string Destroyed = "DESTROYED";
}

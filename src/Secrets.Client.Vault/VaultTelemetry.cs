using System.Diagnostics;

namespace Secrets.Client.Vault;

/// <summary>
/// The package's one <see cref="ActivitySource"/>. Metrics go through <c>SecretProviderMetrics</c> (<c>secrets.provider.*</c>;
/// logins and renewals are the operations <c>login</c> and <c>renew</c>). Tags carry names and outcomes, never values or tokens.
/// </summary>
internal static class VaultTelemetry
{
    public const string Name = "Secrets.Client.Vault";

    public static readonly ActivitySource Source = new(Name);
}

using System.Diagnostics;

namespace Secrets.Client.Azure;

/// <summary>
/// The package's one <see cref="ActivitySource"/>. Metrics go through <c>SecretProviderMetrics</c> (<c>secrets.provider.*</c>).
/// Tags carry names and outcomes, never values.
/// </summary>
internal static class AzureKeyVaultTelemetry
{
    public const string Name = "Secrets.Client.Azure";

    public static readonly ActivitySource Source = new(Name);
}

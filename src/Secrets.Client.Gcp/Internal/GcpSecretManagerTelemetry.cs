using System.Diagnostics;

namespace Secrets.Client.Gcp;

/// <summary>
/// The package's one <see cref="ActivitySource"/>. Metrics go through <c>SecretProviderMetrics</c> (<c>secrets.provider.*</c>).
/// Tags carry names and outcomes, never values.
/// </summary>
internal static class GcpSecretManagerTelemetry
{
    public const string Name = "Secrets.Client.Gcp";

    public static readonly ActivitySource Source = new(Name);
}

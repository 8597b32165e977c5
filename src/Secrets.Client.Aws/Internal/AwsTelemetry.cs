using System.Diagnostics;

namespace Secrets.Client.Aws;

/// <summary>
/// The package's one <see cref="ActivitySource"/>. Metrics go through <c>SecretProviderMetrics</c> (<c>secrets.provider.*</c>).
/// Tags carry operation and secret names, never values.
/// </summary>
internal static class AwsTelemetry
{
    public const string Name = "Secrets.Client.Aws";

    public static readonly ActivitySource ActivitySource = new(Name);
}

using System.Diagnostics;

namespace Secrets.Client.Local;

/// <summary>
/// The package's one <see cref="ActivitySource"/>. Metrics go through <c>SecretProviderMetrics</c> (<c>secrets.provider.*</c>;
/// a <c>.env</c> parse is the operation <c>load</c>, a key-per-file read <c>read</c>).
/// </summary>
internal static class LocalTelemetry
{
    internal const string Name = "Secrets.Client.Local";

    internal static readonly ActivitySource ActivitySource = new(Name);
}

using Microsoft.Extensions.Logging;

namespace Secrets.Client.Gcp;

/// <summary>The provider's log lines. They name secrets, projects and versions; never values.</summary>
internal static partial class GcpSecretManagerLog
{
    [LoggerMessage(5, LogLevel.Warning, "Secret {SecretName} version {Version} in project {Project} failed its CRC32C check.")]
    public static partial void ChecksumMismatch(ILogger logger, string secretName, string? version, string project);

    [LoggerMessage(6, LogLevel.Warning, "Provider {Provider} could not resolve the principal its credential acts as ({ErrorType}); audit records name the kind of credential instead.")]
    public static partial void PrincipalUnresolved(ILogger logger, string provider, string errorType);
}

using Microsoft.Extensions.Logging;

namespace Secrets.Client.Gcp;

/// <summary>The provider's log lines. They name secrets, projects and versions; never values.</summary>
internal static partial class GcpSecretManagerLog
{
    [LoggerMessage(1, LogLevel.Debug, "Fetched secret {SecretName} version {Version} from project {Project}.")]
    public static partial void Fetched(ILogger logger, string secretName, string? version, string project);

    [LoggerMessage(2, LogLevel.Warning, "Secret Manager {Operation} of secret {SecretName} in project {Project} failed: {ErrorType}, code {ErrorCode}.")]
    public static partial void RequestFailed(ILogger logger, string operation, string? secretName, string project, string errorType, string? errorCode);

    [LoggerMessage(3, LogLevel.Warning, "Refused secret {SecretName} in project {Project}: labelled for environment {Allowed}, this process runs in {Environment}.")]
    public static partial void OutOfScope(ILogger logger, string secretName, string project, string allowed, string environment);

    [LoggerMessage(4, LogLevel.Information, "Stored a new version {Version} of secret {SecretName} in project {Project}.")]
    public static partial void Stored(ILogger logger, string secretName, string? version, string project);

    [LoggerMessage(5, LogLevel.Warning, "Secret {SecretName} version {Version} in project {Project} failed its CRC32C check.")]
    public static partial void ChecksumMismatch(ILogger logger, string secretName, string? version, string project);

    [LoggerMessage(6, LogLevel.Warning, "Provider {Provider} could not resolve the principal its credential acts as ({ErrorType}); audit records name the kind of credential instead.")]
    public static partial void PrincipalUnresolved(ILogger logger, string provider, string errorType);
}

using Microsoft.Extensions.Logging;

namespace Secrets.Client.Aws;

/// <summary>Source-generated log messages. They name operations, secrets and error codes, never values.</summary>
internal static partial class AwsLog
{
    [LoggerMessage(1, LogLevel.Debug, "AWS Secrets Manager {Operation} for '{SecretName}' succeeded in {ElapsedMs} ms.")]
    public static partial void RequestSucceeded(ILogger logger, string operation, string? secretName, double elapsedMs);

    [LoggerMessage(2, LogLevel.Warning, "AWS Secrets Manager {Operation} for '{SecretName}' failed: {ErrorCode} (HTTP {Status}).")]
    public static partial void RequestFailed(ILogger logger, string operation, string? secretName, string? errorCode, int status);

    [LoggerMessage(3, LogLevel.Warning, "AWS Secrets Manager {Operation} for '{SecretName}' could not reach the service.")]
    public static partial void TransportFailed(ILogger logger, Exception exception, string operation, string? secretName);

    [LoggerMessage(4, LogLevel.Information, "BatchGetSecretValue was denied; fetching {Count} secrets one at a time instead.")]
    public static partial void BatchDenied(ILogger logger, int count);

    [LoggerMessage(5, LogLevel.Warning, "STS GetCallerIdentity for credentials from {Link} failed ({ErrorCode}); audit records name the access key id instead.")]
    public static partial void CallerIdentityFailed(ILogger logger, string link, string? errorCode);
}

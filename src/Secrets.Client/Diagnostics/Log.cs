using Microsoft.Extensions.Logging;

namespace Secrets.Client;

/// <summary>The store's log events. None takes a value: only names, versions and error types.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Fetched secret {Provider}:{SecretName} version {Version}")]
    public static partial void Fetched(ILogger logger, string provider, string secretName, string? version);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Secret {Provider}:{SecretName} changed from version {OldVersion} to {NewVersion}")]
    public static partial void Rotated(ILogger logger, string provider, string secretName, string? oldVersion, string? newVersion);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Refreshing secret {Provider}:{SecretName} failed ({ErrorType}: {ErrorMessage}); the last good value is kept")]
    public static partial void RefreshFailed(ILogger logger, string provider, string secretName, string errorType, string errorMessage);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Evicted secret {Provider}:{SecretName} ({Reason})")]
    public static partial void Evicted(ILogger logger, string provider, string secretName, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Refused secret {Provider}:{SecretName} in environment {Environment}: outside its scope")]
    public static partial void ScopeRefused(ILogger logger, string provider, string secretName, string environment);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Secret memory could not be locked against swap (protection: {Protection}); raise RLIMIT_MEMLOCK (ulimit -l) to lock it")]
    public static partial void MemoryNotLocked(ILogger logger, SecretMemoryProtection protection);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "A SecretChanged handler failed for {Provider}:{SecretName}")]
    public static partial void ChangeHandlerFailed(ILogger logger, string provider, string secretName, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "The secret audit sink failed")]
    public static partial void AuditSinkFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "Listed {Count} secrets of {Provider} with prefix {Prefix}")]
    public static partial void Listed(ILogger logger, string provider, string? prefix, int count);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Secret {Provider}:{SecretName} is no longer served: the provider answered {ErrorType}; its value was wiped")]
    public static partial void Removed(ILogger logger, string provider, string secretName, string errorType);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Provider returned version {Version} of secret {Provider}:{SecretName}, older than the cached version {CachedVersion}; the cached one is kept")]
    public static partial void OlderVersionIgnored(ILogger logger, string provider, string secretName, string? version, string? cachedVersion);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Background refresh found {Count} changed secret(s)")]
    public static partial void BackgroundRefreshed(ILogger logger, int count);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Background secret refresh failed ({ErrorType}: {ErrorMessage}); the next interval tries again")]
    public static partial void BackgroundRefreshFailed(ILogger logger, string errorType, string errorMessage);
}

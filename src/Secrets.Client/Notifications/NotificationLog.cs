using Microsoft.Extensions.Logging;

namespace Secrets.Client;

/// <summary>Log messages of change notifications (event ids 1300-1309). Names and versions only, never a value.</summary>
internal static partial class NotificationLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Debug, Message = "Change notification {EventType} for {Provider}:{SecretName} from {Source}: {Outcome}")]
    public static partial void Received(ILogger logger, string? eventType, string provider, string secretName, string? source, SecretChangeNotificationOutcome outcome);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Change notification {EventType} for {Provider}:{SecretName} checked: version {Version}, changed {Changed}")]
    public static partial void Applied(ILogger logger, string? eventType, string provider, string secretName, string? version, bool changed);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "The version check a change notification asked for {Provider}:{SecretName} failed ({ErrorType}); the cached value stays and is retried as usual")]
    public static partial void CheckFailed(ILogger logger, string provider, string secretName, string errorType);
}

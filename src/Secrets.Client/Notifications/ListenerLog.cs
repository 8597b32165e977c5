using Microsoft.Extensions.Logging;

namespace Secrets.Client;

/// <summary>Log messages of change listeners (event ids 1310-1319). Error types only: a transport's message may echo a request.</summary>
internal static partial class ListenerLog
{
    [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Change listener {Source} is listening")]
    public static partial void Opened(ILogger logger, string source);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "Change listener {Source} failed ({ErrorType}, {Failures} in a row); reconnecting in {Wait}")]
    public static partial void TransportFailed(ILogger logger, string source, string errorType, int failures, TimeSpan wait);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Information, Message = "Change listener {Source} reconnected")]
    public static partial void Recovered(ILogger logger, string source);

    [LoggerMessage(EventId = 1313, Level = LogLevel.Debug, Message = "Change listener {Source} ignored an event: {Reason}")]
    public static partial void EventIgnored(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 1314, Level = LogLevel.Warning, Message = "Change listener {Source} could not clean up on stop ({ErrorType}); the reaper will")]
    public static partial void CloseFailed(ILogger logger, string source, string errorType);
}

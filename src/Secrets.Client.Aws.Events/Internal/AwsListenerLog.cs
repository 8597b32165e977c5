using Microsoft.Extensions.Logging;

namespace Secrets.Client.Aws.Events;

/// <summary>Log messages of the AWS listener's held <c>RotationSucceeded</c> events (event ids 1335-1337). Secret names only, never values.</summary>
internal static partial class AwsListenerLog
{
    [LoggerMessage(EventId = 1335, Level = LogLevel.Debug, Message = "Change listener {Source} holds RotationSucceeded for {Secret} up to {Window} for its stage move")]
    public static partial void RotationHeld(ILogger logger, string source, string secret, TimeSpan window);

    [LoggerMessage(EventId = 1336, Level = LogLevel.Debug, Message = "Change listener {Source} hands over RotationSucceeded for {Secret}: no stage move within the window")]
    public static partial void HeldRotationHandedOver(ILogger logger, string source, string secret);

    [LoggerMessage(EventId = 1337, Level = LogLevel.Warning, Message = "Change listener {Source} could not hand over a held RotationSucceeded for {Secret} ({ErrorType}); the safety net will")]
    public static partial void HeldRotationFailed(ILogger logger, string source, string secret, string errorType);
}

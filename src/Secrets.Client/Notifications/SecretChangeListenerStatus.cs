namespace Secrets.Client;

/// <summary>A snapshot of a change listener's connection, for health checks and diagnostics.</summary>
/// <param name="Source">The listener's name (for example <c>aws-sqs</c>).</param>
/// <param name="Connected">Whether the last receive succeeded.</param>
/// <param name="ConsecutiveFailures">Transport failures since the last success.</param>
/// <param name="FailingSince">When the current run of failures began; null while connected.</param>
/// <param name="LastSuccess">When a receive last succeeded; null before the first.</param>
/// <param name="LastErrorType">The type name of the last transport error (never its message, which may echo a request).</param>
/// <param name="Received">Events received since start.</param>
/// <param name="Applied">Events that scheduled a version check.</param>
/// <param name="Ignored">Events that needed no check (not held, coalesced, malformed, foreign).</param>
public sealed record SecretChangeListenerStatus(
    string Source,
    bool Connected,
    int ConsecutiveFailures,
    DateTimeOffset? FailingSince,
    DateTimeOffset? LastSuccess,
    string? LastErrorType,
    long Received,
    long Applied,
    long Ignored)
{
    /// <summary>
    /// Gets a value indicating whether the backend said it has no event feature (Community Vault's 404): the listener
    /// asks again only slowly and rotations ride on version checks and the safety-net poll. Reported degraded, never unhealthy.
    /// </summary>
    public bool Dormant { get; init; }
}

using System.Diagnostics;

namespace Secrets.Client.Transport;

/// <summary>
/// An adapter's spans and request metrics, the same way for every adapter: a client span per backend call tagged with
/// the operation, the secret and its version, and one metric per finished call whose outcome also tags the span.
/// </summary>
public sealed class SecretProviderTelemetry
{
    private readonly ActivitySource _source;
    private readonly string _spanPrefix;
    private readonly SecretProviderMetrics _metrics;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="SecretProviderTelemetry"/> class.</summary>
    /// <param name="source">The adapter's activity source (one per package).</param>
    /// <param name="spanPrefix">Starts every span's name, before the operation (for example <c>vault</c>).</param>
    /// <param name="metrics">The provider's metrics.</param>
    /// <param name="timeProvider">The clock calls are timed with.</param>
    public SecretProviderTelemetry(ActivitySource source, string spanPrefix, SecretProviderMetrics metrics, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(spanPrefix);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _source = source;
        _spanPrefix = spanPrefix + " ";
        _metrics = metrics;
        _time = timeProvider;
    }

    /// <summary>Gets a timestamp to time a call from.</summary>
    /// <returns>The clock's current timestamp.</returns>
    public long Started() => _time.GetTimestamp();

    /// <summary>Starts a client span for one operation, when something listens.</summary>
    /// <param name="operation">The operation (<c>get</c>, <c>list</c>...).</param>
    /// <param name="secretName">The secret as the reference names it.</param>
    /// <param name="version">The version asked for, if any.</param>
    /// <returns>The span, or <see langword="null"/> when nothing listens.</returns>
    public Activity? Start(string operation, string secretName, string? version)
    {
        var activity = _source.StartActivity(_spanPrefix + operation, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("secrets.operation", operation);
            activity.SetTag("secrets.name", secretName);
            if (version is not null)
            {
                activity.SetTag("secrets.version", version);
            }
        }

        return activity;
    }

    /// <summary>Records a finished operation: its metric, and its outcome on the span.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="error">The error, or <see langword="null"/> on success.</param>
    /// <param name="activity">The operation's span, if any.</param>
    /// <param name="started">The timestamp from <see cref="Started"/>.</param>
    public void Record(string operation, Exception? error, Activity? activity, long started) =>
        Record(operation, SecretProviderMetrics.Outcome(error), activity, started);

    /// <summary>Records a finished operation with an outcome of the adapter's own (<c>ok</c> is success).</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="outcome">The outcome tag value.</param>
    /// <param name="activity">The operation's span, if any.</param>
    /// <param name="started">The timestamp from <see cref="Started"/>.</param>
    public void Record(string operation, string outcome, Activity? activity, long started)
    {
        _metrics.Record(operation, outcome, _time.GetElapsedTime(started));
        if (activity is not null)
        {
            var ok = outcome == "ok";
            activity.SetTag("secrets.outcome", outcome);
            activity.SetStatus(ok ? ActivityStatusCode.Ok : ActivityStatusCode.Error, ok ? null : outcome);
        }
    }

    /// <summary>
    /// Whether an exception is the caller's own cancellation, which adapters let through unmapped and unrecorded
    /// (a cancellation the caller did not ask for is a timeout, mapped like any failure).
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns><see langword="true"/> when the caller cancelled.</returns>
    public static bool IsCallerCancellation(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested;
}

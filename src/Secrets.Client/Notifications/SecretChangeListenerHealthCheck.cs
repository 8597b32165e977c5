using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Secrets.Client;

/// <summary>
/// Reports the change listeners: healthy while every one receives, degraded while one is reconnecting, unhealthy once
/// one has failed for longer than its <see cref="SecretChangeListenerOptions.UnhealthyAfter"/> (rotations then reach
/// the app only through the safety-net poll).
/// </summary>
public sealed class SecretChangeListenerHealthCheck : IHealthCheck
{
    private readonly IReadOnlyList<SecretChangeListener> _listeners;

    /// <summary>Initializes a new instance of the <see cref="SecretChangeListenerHealthCheck"/> class.</summary>
    /// <param name="listeners">The listeners to report on.</param>
    public SecretChangeListenerHealthCheck(IEnumerable<SecretChangeListener> listeners)
    {
        ArgumentNullException.ThrowIfNull(listeners);
        _listeners = [.. listeners];
    }

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        var status = HealthStatus.Healthy;
        var failing = new List<string>();
        foreach (var listener in _listeners)
        {
            var state = listener.Status;
            data[state.Source] = $"connected={state.Connected}; failures={state.ConsecutiveFailures}; lastError={state.LastErrorType ?? "none"}; received={state.Received}; applied={state.Applied}; ignored={state.Ignored}" + (state.Dormant ? "; dormant (the backend has no event feature)" : string.Empty);
            if (state.FailingSince is { } since)
            {
                failing.Add(state.Source);
                var down = listener.ListenerOptions.TimeProvider.GetUtcNow() - since;
                status = down >= listener.ListenerOptions.UnhealthyAfter && !state.Dormant ? HealthStatus.Unhealthy : status == HealthStatus.Unhealthy ? status : HealthStatus.Degraded;
            }
        }

        var description = failing.Count == 0
            ? $"{_listeners.Count} change listener(s) receiving."
            : $"Change listener(s) {string.Join(", ", failing)} reconnecting; rotations are caught by the safety-net refresh meanwhile.";
        return Task.FromResult(new HealthCheckResult(status, description, data: data));
    }
}

using Microsoft.Extensions.Options;

namespace Secrets.Client;

/// <summary>
/// Timeout, retry and circuit-breaker settings applied to one provider's calls. Only transient errors are retried
/// (<see cref="SecretUnavailableException"/>, timeouts, connection failures), never not-found or access-denied.
/// </summary>
public class SecretResilienceOptions
{
    /// <summary>Gets or sets the time limit for one attempt. Default 10 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many times a transient failure is retried. Default 3; 0 disables retries.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first retry's delay; later delays grow exponentially, with jitter. Default 200 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the longest delay between retries, including one a provider asked for with <c>Retry-After</c>. Default 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets a value indicating whether the circuit breaker is on. Default <see langword="true"/>.</summary>
    public bool EnableCircuitBreaker { get; set; } = true;

    /// <summary>Gets or sets the failure ratio over <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit. Default 0.5.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets how many calls must be sampled before the circuit may open. Default 10.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Gets or sets the window the failure ratio is measured over. Default 30 seconds.</summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the circuit stays open before a trial call. Default 15 seconds.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Checks the settings once, when a store is built, naming the provider and the setting at fault.</summary>
    /// <param name="provider">The provider these options belong to.</param>
    /// <exception cref="OptionsValidationException">A setting is out of range.</exception>
    internal void Validate(string provider)
    {
        var failures = new List<string>();
        Check(AttemptTimeout > TimeSpan.Zero, nameof(AttemptTimeout), "must be positive");
        Check(MaxRetryAttempts is >= 0 and <= 100, nameof(MaxRetryAttempts), "must be between 0 and 100");
        Check(RetryBaseDelay >= TimeSpan.Zero, nameof(RetryBaseDelay), "must not be negative");
        Check(MaxRetryDelay >= RetryBaseDelay, nameof(MaxRetryDelay), "must be at least RetryBaseDelay");
        Check(CircuitBreakerFailureRatio is > 0 and <= 1, nameof(CircuitBreakerFailureRatio), "must be in (0, 1]");
        Check(CircuitBreakerMinimumThroughput >= 2, nameof(CircuitBreakerMinimumThroughput), "must be at least 2");
        Check(CircuitBreakerSamplingDuration >= TimeSpan.FromMilliseconds(500), nameof(CircuitBreakerSamplingDuration), "must be at least 500 ms");
        Check(CircuitBreakerBreakDuration >= TimeSpan.FromMilliseconds(500), nameof(CircuitBreakerBreakDuration), "must be at least 500 ms");
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(provider, typeof(SecretResilienceOptions), failures);
        }

        void Check(bool ok, string name, string rule)
        {
            if (!ok)
            {
                failures.Add($"Resilience.{name} of provider '{provider}' {rule}.");
            }
        }
    }
}

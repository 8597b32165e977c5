using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Secrets.Client;

/// <summary>Builds the per-provider Polly pipeline: circuit breaker (outermost, one sample per logical call), retry, per-attempt timeout.</summary>
internal static class SecretResiliencePipelines
{
    public static ResiliencePipeline Create(SecretProvider provider, TimeProvider timeProvider, Func<double> randomizer)
    {
        var options = provider.Options.Resilience;
        options.Validate(provider.Name);
        var shouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient);
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider, Name = provider.Name };

        // The breaker is outermost so that it counts logical calls: a call that succeeded on a retry is a success.
        if (options.EnableCircuitBreaker)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = shouldHandle,
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
            });
        }

        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = shouldHandle,
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                Randomizer = randomizer,
                DelayGenerator = args =>
                {
                    // Honour the provider's Retry-After, within MaxRetryDelay.
                    var retryAfter = (args.Outcome.Exception as SecretUnavailableException)?.RetryAfter;
                    return ValueTask.FromResult<TimeSpan?>(retryAfter is { } wait ? (wait > options.MaxRetryDelay ? options.MaxRetryDelay : wait) : null);
                },
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    /// <summary>Transient: worth retrying. Not-found, access-denied, invalid and integrity errors never are.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SecretStoreException secretError => secretError.IsTransient,
        TimeoutRejectedException => true,
        HttpRequestException http => http.StatusCode is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError,
        IOException => true,
        _ => false,
    };

    /// <summary>Turns what escaped the pipeline into the SDK's typed errors, naming the secret, never the value.</summary>
    public static SecretStoreException ToSecretError(Exception exception, string provider, string secretName) => exception switch
    {
        SecretStoreException secretError => secretError,
        BrokenCircuitException broken => new SecretUnavailableException(provider, secretName, "The circuit breaker is open after repeated failures.", broken)
        {
            RetryAfter = broken.RetryAfter,
        },
        TimeoutRejectedException timeout => new SecretUnavailableException(provider, secretName, $"The provider did not answer within {timeout.Timeout.TotalSeconds:0.###} s.", timeout),
        HttpRequestException or IOException => new SecretUnavailableException(provider, secretName, "The provider could not be reached.", exception),
        NotSupportedException => new SecretStoreException($"{exception.Message}", provider, secretName, exception),
        _ => new SecretStoreException($"Reading {SecretStoreException.Describe(provider, secretName)} failed: {exception.GetType().Name}.", provider, secretName, exception),
    };
}

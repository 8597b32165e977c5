using Polly;

namespace Secrets.Client;

/// <summary>
/// One registered provider as the store calls it: its resilience pipeline (breaker, retry, attempt timeout), its shared
/// <c>Retry-After</c>, and whether the environment allows it at all.
/// </summary>
internal sealed class ProviderRoute
{
    private readonly ResiliencePipeline _pipeline;
    private readonly RetryAfterGate _retryAfter;

    public ProviderRoute(SecretProvider provider, TimeProvider time, Func<double> randomizer, bool allowedHere)
    {
        Provider = provider;
        _pipeline = SecretResiliencePipelines.Create(provider, time, randomizer);
        _retryAfter = new RetryAfterGate(time, provider.Options.Resilience.MaxRetryDelay);
        AllowedHere = allowedHere;
        NameTag = new KeyValuePair<string, object?>("provider", provider.Name);
    }

    public SecretProvider Provider { get; }

    public string Name => Provider.Name;

    public bool AllowedHere { get; }

    /// <summary>Gets the metric tag naming the provider, built once.</summary>
    public KeyValuePair<string, object?> NameTag { get; }

    /// <summary>Calls the provider through the pipeline, after any <c>Retry-After</c> another caller was given.</summary>
    public ValueTask<TResult> CallAsync<TState, TResult>(Func<SecretProvider, TState, CancellationToken, ValueTask<TResult>> call, TState state, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(
            static async (context, ct) =>
            {
                await context.Route._retryAfter.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    return await context.Call(context.Route.Provider, context.State, ct).ConfigureAwait(false);
                }
                catch (SecretUnavailableException throttled) when (throttled.RetryAfter is { } wait)
                {
                    context.Route._retryAfter.Defer(wait);
                    throw;
                }
            },
            (Route: this, Call: call, State: state),
            cancellationToken);

    /// <summary>Calls the provider once, without retry (writes: a timed-out write may have landed), after any <c>Retry-After</c>.</summary>
    public async ValueTask<TResult> CallOnceAsync<TState, TResult>(Func<SecretProvider, TState, CancellationToken, ValueTask<TResult>> call, TState state, CancellationToken cancellationToken)
    {
        await _retryAfter.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await call(Provider, state, cancellationToken).ConfigureAwait(false);
    }

    public override string ToString() => Name;
}

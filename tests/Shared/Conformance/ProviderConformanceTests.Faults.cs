using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Tests.Conformance;

/// <summary>Retries, <c>Retry-After</c> and cancellation, for every adapter.</summary>
public abstract partial class ProviderConformanceTests
{
    [Fact]
    public async Task One_503_is_retried_once_and_the_read_succeeds()
    {
        Backend.Seed("conf-baseline", "b");
        Backend.Seed("conf-warm", "w");
        Backend.Seed("conf-retried", "retried-value");
        await using var store = CreateStore(new ConformanceProviderSettings { Configure = o => o.Resilience.RetryBaseDelay = TimeSpan.Zero });
        var start = Backend.Traffic.Requests;
        _ = await store.GetSecretAsync(Backend.ValueReference("conf-baseline")); // signs in, warms up
        var warm = Backend.Traffic.Requests;
        _ = await store.GetSecretAsync(Backend.ValueReference("conf-warm"));
        var perRead = Backend.Traffic.Requests - warm;

        Backend.Faults.FailNext(1);
        var before = Backend.Traffic.Requests;
        var secret = await store.GetSecretAsync(Backend.ValueReference("conf-retried"));

        Assert.True(warm > start);
        Assert.Equal("retried-value", secret.Value.ExposeAsString());
        Assert.Equal(perRead + 1, Backend.Traffic.Requests - before);
    }

    [Fact]
    public async Task A_429_is_retried_only_after_its_Retry_After_on_the_store_clock()
    {
        Backend.Seed("conf-baseline", "b");
        Backend.Seed("conf-throttled", "throttled-value");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = CreateStore(timeProvider: clock);
        _ = await store.GetSecretAsync(Backend.ValueReference("conf-baseline"));
        Backend.Faults.RetryAfter = TimeSpan.FromSeconds(7);
        Backend.Faults.ThrottleNext(1);
        var before = Backend.Traffic.Requests;

        var pending = store.GetSecretAsync(Backend.ValueReference("conf-throttled")).AsTask();
        await WaitUntilAsync(() => Backend.Traffic.Requests > before);
        var throttledAt = Backend.Traffic.Requests;
        var advanced = TimeSpan.Zero;
        var retriedEarly = false;
        while (!pending.IsCompleted && advanced < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(5);
            retriedEarly |= advanced < TimeSpan.FromSeconds(7) && Backend.Traffic.Requests > throttledAt;
            clock.Advance(TimeSpan.FromMilliseconds(500));
            advanced += TimeSpan.FromMilliseconds(500);
        }

        var secret = await pending;

        Assert.False(retriedEarly, "The retry reached the backend before Retry-After had passed.");
        Assert.True(advanced >= TimeSpan.FromSeconds(7));
        Assert.Equal("throttled-value", secret.Value.ExposeAsString());
    }

    [Fact]
    public async Task A_read_cancelled_while_the_backend_is_slow_throws_OperationCanceledException_without_waiting_for_it()
    {
        Backend.Seed("conf-baseline", "b");
        Backend.Seed("conf-slow", "slow-value");
        await using var store = CreateStore();
        _ = await store.GetSecretAsync(Backend.ValueReference("conf-baseline"));
        Backend.Faults.Latency = TimeSpan.FromMinutes(5);
        using var cancel = new CancellationTokenSource();

        // The emulator counts a request only after its latency, so the caller cancels while the request is on the wire.
        var pending = store.GetSecretAsync(Backend.ValueReference("conf-slow"), cancel.Token).AsTask();
        cancel.CancelAfter(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(1, store.CachedCount); // the baseline only
    }

    [Fact]
    public async Task A_cancelled_token_fails_a_read_before_any_request()
    {
        Backend.Seed("conf-baseline", "b");
        Backend.Seed("conf-cancelled", "v");
        await using var store = CreateStore();
        _ = await store.GetSecretAsync(Backend.ValueReference("conf-baseline")); // signs in: no sign-in request can land late
        var before = Backend.Traffic.Requests;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetSecretAsync(Backend.ValueReference("conf-cancelled"), new CancellationToken(canceled: true)).AsTask());

        Assert.Equal(before, Backend.Traffic.Requests);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}

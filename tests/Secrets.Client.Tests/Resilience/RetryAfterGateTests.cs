using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Tests.Resilience;

public class RetryAfterGateTests
{
    [Fact]
    public async Task A_retry_after_holds_back_every_caller_until_it_passes_and_is_capped()
    {
        var time = new FakeTimeProvider();
        var gate = new RetryAfterGate(time, TimeSpan.FromSeconds(30));
        Assert.True(gate.WaitAsync(default).IsCompleted);

        gate.Defer(TimeSpan.FromMinutes(5)); // capped at 30 s
        var waiting = gate.WaitAsync(default);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_throttled_answer_makes_the_next_call_to_the_same_provider_wait()
    {
        await using var f = new ScriptedStoreFixture(configureProvider: options => options.Resilience.MaxRetryAttempts = 0);
        f.Provider.Set("a", "1");
        f.Provider.Set("b", "1");
        f.Provider.Fault = (_, name) => name == "a" ? new SecretUnavailableException("fake", name, "Rate exceeded.") { IsThrottled = true, RetryAfter = TimeSpan.FromSeconds(5) } : null;
        await Assert.ThrowsAsync<SecretUnavailableException>(() => f.ReadTextAsync("a"));

        var other = f.ReadTextAsync("b");
        Assert.False(other.IsCompleted);
        Assert.Equal(0, f.Provider.Calls("get", "b"));
        f.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("1", await other.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}

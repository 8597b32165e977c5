using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Tests.Notifications;

/// <summary>The listener base: exponential backoff with jitter from the injected source, health, counting, cleanup on stop.</summary>
public class SecretChangeListenerTests
{
    [Fact]
    public async Task Failures_back_off_exponentially_up_to_the_cap_and_a_success_resets_health()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        await using var f = new ScriptedStoreFixture();
        using var listener = new ScriptedListener(f.Store, new SecretChangeListenerOptions
        {
            ProviderName = "fake",
            InitialBackoff = TimeSpan.FromSeconds(1),
            MaxBackoff = TimeSpan.FromSeconds(8),
            UnhealthyAfter = TimeSpan.FromSeconds(7), // reached at the fifth failure, 7.5 s after the first
            TimeProvider = time,
            Randomizer = () => 0, // equal jitter at its low end: exactly half the capped backoff
        });
        var health = new SecretChangeListenerHealthCheck([listener]);
        listener.FailuresLeft = 6;

        await listener.StartAsync(CancellationToken.None);
        // Waits: 0.5, 1, 2, 4, 4, 4 seconds (half of 1, 2, 4, 8, 8, 8).
        var waits = new[] { 0.5, 1, 2, 4, 4, 4 };
        for (var i = 0; i < waits.Length; i++)
        {
            var failures = i + 1;
            await Eventually.TrueAsync(() => listener.Status.ConsecutiveFailures == failures, $"failure {failures} was recorded");
            var expected = failures == 5 ? HealthStatus.Unhealthy : failures < 5 ? HealthStatus.Degraded : HealthStatus.Unhealthy;
            Assert.Equal(expected, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
            time.Advance(TimeSpan.FromSeconds(waits[i]) - TimeSpan.FromMilliseconds(1));
            await Task.Yield();
            Assert.Equal(failures, listener.Calls);
            time.Advance(TimeSpan.FromMilliseconds(1));
            await Eventually.TrueAsync(() => listener.Calls >= failures + 1, $"it retried after {waits[i]} s");
        }

        await Eventually.TrueAsync(() => listener.Status.Connected, "a receive succeeded");
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.Equal("TimeoutException", listener.Status.LastErrorType);

        await listener.StopAsync(CancellationToken.None);
        Assert.True(listener.Closed);
    }

    [Fact]
    public async Task Delivered_events_are_counted_by_what_the_store_did_with_them()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "1");
        await f.ReadTextAsync("db");
        using var listener = new ScriptedListener(f.Store, new SecretChangeListenerOptions { ProviderName = "fake" });

        Assert.Equal(SecretChangeNotificationOutcome.Scheduled, await listener.DeliverForTestAsync(new SecretChangeNotification("fake", "db")));
        Assert.Equal(SecretChangeNotificationOutcome.NotHeld, await listener.DeliverForTestAsync(new SecretChangeNotification("fake", "other")));
        Assert.Null(await listener.DeliverForTestAsync(null));

        Assert.Equal((3L, 1L, 2L), (listener.Status.Received, listener.Status.Applied, listener.Status.Ignored));
    }

    [Fact]
    public void Options_are_validated_naming_the_setting()
    {
        Assert.Contains("ProviderName", Assert.Throws<ArgumentException>(() => new SecretChangeListenerOptions().Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("InitialBackoff", Assert.Throws<ArgumentException>(() => new SecretChangeListenerOptions { ProviderName = "x", MaxBackoff = TimeSpan.FromMilliseconds(1) }.Validate()).Message, StringComparison.Ordinal);
    }

    private sealed class ScriptedListener(ISecretStore store, SecretChangeListenerOptions options) : SecretChangeListener("scripted", store, options, null, null)
    {
        private int _calls;
        private volatile bool _waiting;
        private int _succeeded;

        public int FailuresLeft { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public bool Waiting => _waiting;

        public bool Closed { get; private set; }

        public ValueTask<SecretChangeNotificationOutcome?> DeliverForTestAsync(SecretChangeNotification? notification) =>
            DeliverAsync(notification, notification is null ? "malformed" : null, CancellationToken.None);

        protected override async Task ReceiveAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (FailuresLeft-- > 0)
            {
                _waiting = true;
                throw new TimeoutException("transport down");
            }

            _waiting = false;
            if (Interlocked.Exchange(ref _succeeded, 1) == 0)
            {
                return; // one successful round, then an idle long poll until stopped
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        protected override Task CloseAsync(CancellationToken cancellationToken)
        {
            Closed = true;
            return Task.CompletedTask;
        }
    }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Vault.Tests.Events;

/// <summary>The Vault event listener against the emulator's event websocket, with the real provider and store.</summary>
public sealed class VaultEventListenerTests : IAsyncLifetime
{
    private const string Reference = "vault://secret/app/db#password";
    private VaultHarness _vault = null!;

    public async Task InitializeAsync() => _vault = await VaultHarness.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task A_write_at_Vault_reaches_the_store_over_the_websocket()
    {
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = "canary-vault-1" });
        var provider = _vault.CreateProvider(loggerFactory: loggerFactory);
        await using var store = new SecretStore([provider], new SecretStoreOptions(), loggerFactory: loggerFactory);
        await store.GetSecretAsync(Reference);
        using var listener = new VaultEventListener(store, provider, loggerFactory: loggerFactory);
        await listener.StartAsync(CancellationToken.None);
        await listener.WaitForStatusAsync(s => s.Connected, Timeout());
        var changed = NextChange(store, "secret/app/db", "1");

        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = "canary-vault-2" });
        var change = await changed.WaitAsync(TimeSpan.FromSeconds(30));
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal("2", change.Properties.Version);
        Assert.Equal("canary-vault-2", (await store.GetSecretAsync(Reference)).Value.ExposeAsString());
        Assert.Equal(1, listener.Status.Applied);
        Assert.DoesNotContain(logs.GetSnapshot(), r => (r.Message + r.Exception).Contains("canary-vault", StringComparison.Ordinal) || (r.Message + r.Exception).Contains("hvs.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cut_connection_backs_off_reconnects_and_later_writes_arrive_while_secrets_not_held_cost_nothing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = "canary-vault-r1" });
        var provider = _vault.CreateProvider();
        await using var store = new SecretStore([provider]);
        await store.GetSecretAsync(Reference);
        using var listener = new VaultEventListener(store, provider, new VaultEventListenerOptions { TimeProvider = time });
        await listener.StartAsync(CancellationToken.None);
        await listener.WaitForStatusAsync(s => s.Connected, Timeout());

        _vault.Emulator.DisconnectEventSubscribers();
        await listener.WaitForStatusAsync(s => s.ConsecutiveFailures == 1, Timeout());
        Assert.Equal(HealthStatus.Degraded, await HealthAsync(listener));
        var waited = await AdvanceUntilAsync(time, TimeSpan.FromMilliseconds(250), listener, s => s.Connected);
        Assert.InRange(waited, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1.5));

        var before = _vault.Emulator.Counters.Requests;
        _vault.Emulator.WriteSecret("secret", "other/not-held", new Dictionary<string, string> { ["x"] = "1" });
        var changed = NextChange(store, "secret/app/db", "1");
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = "canary-vault-r2" });
        await changed.WaitAsync(TimeSpan.FromSeconds(30));
        await listener.StopAsync(CancellationToken.None);

        var snapshot = listener.Status;
        Assert.Equal(2, snapshot.Received);
        Assert.Equal(1, snapshot.Ignored);
        // One fetch for the held secret (the event names its new version, so no version check first); nothing for the one not held.
        Assert.Equal(1, _vault.Emulator.Counters.Requests - before);
    }

    [Fact]
    public async Task A_lost_event_leaves_the_value_to_the_safety_net_poll_which_catches_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = "canary-vault-l1" });
        var provider = _vault.CreateProvider();
        await using var store = new SecretStore([provider], new SecretStoreOptions { CacheDuration = TimeSpan.FromHours(6) }, time);
        await store.GetSecretAsync(Reference);
        using var listener = new VaultEventListener(store, provider, new VaultEventListenerOptions { TimeProvider = time });
        await listener.StartAsync(CancellationToken.None);
        await listener.WaitForStatusAsync(s => s.Connected, Timeout());

        _vault.Emulator.DropNextEvents(1);
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = "canary-vault-l2" });
        Assert.Equal(0, await store.RefreshAsync());
        Assert.Equal("1", (await store.GetSecretAsync(Reference)).Properties.Version);

        time.Advance(TimeSpan.FromHours(6));
        var refreshed = await store.RefreshAsync();
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal(1, refreshed);
        Assert.Equal("canary-vault-l2", (await store.GetSecretAsync(Reference)).Value.ExposeAsString());
        Assert.Equal(0, listener.Status.Received);
    }

    [Fact]
    public async Task On_Community_Vault_the_listener_says_so_reports_degraded_and_waits_an_hour()
    {
        await using var community = await VaultHarness.StartAsync(new HashiCorpVaultEmulatorOptions { EventsEnabled = false });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var provider = community.CreateProvider();
        await using var store = new SecretStore([provider]);
        using var listener = new VaultEventListener(store, provider, new VaultEventListenerOptions { TimeProvider = time }, loggerFactory);

        await listener.StartAsync(CancellationToken.None);
        await listener.WaitForStatusAsync(s => s.ConsecutiveFailures == 1, Timeout());
        var second = await AdvanceUntilAsync(time, TimeSpan.FromMinutes(5), listener, s => s.ConsecutiveFailures == 2);
        var third = await AdvanceUntilAsync(time, TimeSpan.FromMinutes(5), listener, s => s.ConsecutiveFailures == 3);
        // Two hours without events, yet degraded and not unhealthy: the backend has no events, nothing is broken.
        var health = await HealthAsync(listener);
        Assert.True(listener.Status.Dormant);
        await listener.StopAsync(CancellationToken.None);

        // An hour between attempts (to the 5 minutes the simulated clock steps by), not the reconnect back-off's seconds.
        Assert.InRange(second, TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(65));
        Assert.InRange(third, TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(65));
        Assert.Equal(HealthStatus.Degraded, health);
        Assert.Contains(logs.GetSnapshot(), r => r.Message.Contains("Community Vault", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_out_of_range_are_refused_with_the_setting_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new VaultEventListenerOptions { InitialBackoff = TimeSpan.FromMinutes(5) }.Validate());

        Assert.Contains("MaxBackoff", error.Message, StringComparison.Ordinal);
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    /// <summary>
    /// Steps the simulated clock until the listener's state satisfies <paramref name="condition"/>, letting the attempt each
    /// step releases finish first (a gate with a short real-time bound, not a sleep); returns the simulated time it took.
    /// </summary>
    private static async Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, VaultEventListener listener, Func<SecretChangeListenerStatus, bool> condition)
    {
        var elapsed = TimeSpan.Zero;
        for (var i = 0; i < 500 && !condition(listener.Status); i++)
        {
            time.Advance(step);
            elapsed += step;
            using var settle = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await listener.WaitForStatusAsync(condition, settle.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        Assert.True(condition(listener.Status), "the listener never reached the expected state");
        return elapsed;
    }

    private static Task<SecretChangedEventArgs> NextChange(SecretStore store, string path, string oldVersion)
    {
        var changed = new TaskCompletionSource<SecretChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.SecretChanged += (_, e) =>
        {
            if (e.Reference.Path == path && e.Properties.Version != oldVersion)
            {
                changed.TrySetResult(e);
            }
        };
        return changed.Task;
    }

    private static async Task<HealthStatus> HealthAsync(SecretChangeListener listener)
        => (await new SecretChangeListenerHealthCheck([listener]).CheckHealthAsync(new HealthCheckContext())).Status;
}

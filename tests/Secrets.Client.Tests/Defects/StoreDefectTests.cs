using System.Globalization;

namespace Secrets.Client.Tests.Defects;

/// <summary>
/// One deterministic reproduction per defect of issue #9 (gated backend, fake clock, no sleeps), written against the
/// public API so that each can also be run on the code before the redesign, where each fails.
/// </summary>
public class StoreDefectTests
{
    private static readonly TimeSpan Failsafe = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task D1_a_read_during_a_hanging_refresh_gets_the_cached_value_instead_of_waiting_on_the_backend()
    {
        // The refresh must hang across every clock move below: with the default 10 s attempt timeout, moving the clock
        // past expiry timed the held call out and its retry could finish first, so the read was not stale (a flake).
        await using var f = new ScriptedStoreFixture(configureProvider: options => options.Resilience.AttemptTimeout = TimeSpan.FromHours(1));
        f.Provider.Set("db", "1");
        await f.ReadTextAsync("db");
        var check = f.Provider.HoldNext("properties", "db");
        var fetch = f.Provider.HoldNext("get", "db");
        f.Time.Advance(TimeSpan.FromMinutes(4)); // refresh-ahead window: the read starts a background refresh
        Assert.Equal("1", await f.ReadTextAsync("db"));
        await check.Entered.WaitAsync(Failsafe);

        f.Time.Advance(TimeSpan.FromMinutes(1.5)); // past expiry while the refresh hangs
        var read = f.ReadTextAsync("db");
        f.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal("1", await read.WaitAsync(Failsafe));
        Assert.Contains(f.Audit.Records, record => record.Outcome == SecretAuditOutcome.StaleServed);
        check.Release();
        fetch.Release();
    }

    [Fact]
    public Task D2a_a_late_version_check_does_not_put_an_older_value_back() =>
        LateAnswerScenarioAsync(held: "properties", rotateBeforeHold: false); // the check sees version 1 and is held

    [Fact]
    public Task D2b_a_slower_refresh_does_not_overwrite_a_newer_value() =>
        LateAnswerScenarioAsync(held: "get", rotateBeforeHold: true); // the refresh sees version 2 and its fetch is held

    [Fact]
    public async Task D3_a_cancelled_read_leaves_no_unobserved_exception()
    {
        using var unobserved = new UnobservedTaskExceptions("db");
        var name = unobserved.Tag;
        await using var f = new ScriptedStoreFixture(configureProvider: options => options.Resilience.MaxRetryAttempts = 0);
        using var errors = f.Collect("secrets.client.errors");
        var hold = f.Provider.HoldNext("get", name);
        await CancelledReadAsync(f, name, hold);
        hold.Fail(new SecretUnavailableException("fake", name, "The backend failed."));
        await Eventually.TrueAsync(() => errors.GetMeasurementSnapshot().Count > 0, "the shared fetch failed");

        Assert.Equal(0, await unobserved.CountAfterFullGcsAsync());

        static async Task CancelledReadAsync(ScriptedStoreFixture f, string name, ScriptedSecretProvider.Hold hold)
        {
            using var cancel = new CancellationTokenSource();
            var read = f.Store.GetSecretAsync(ScriptedStoreFixture.Ref(name), cancel.Token).AsTask();
            await hold.Entered.WaitAsync(Failsafe);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        }
    }

    [Fact]
    public async Task D4_overlapping_refresh_runs_check_each_due_secret_once()
    {
        await using var f = new ScriptedStoreFixture(options => options.MaxConcurrency = 1);
        f.Provider.Set("a", "1");
        f.Provider.Set("b", "1");
        await f.ReadTextAsync("a");
        await f.ReadTextAsync("b");
        f.Time.Advance(TimeSpan.FromMinutes(4));
        var hold = f.Provider.HoldNext("properties");

        var first = f.Store.RefreshAsync().AsTask();
        await hold.Entered.WaitAsync(Failsafe);
        await f.Store.RefreshAsync().AsTask().WaitAsync(Failsafe);
        hold.Release();
        await first.WaitAsync(Failsafe);

        Assert.Equal(1, f.Provider.Calls("properties", "a"));
        Assert.Equal(1, f.Provider.Calls("properties", "b"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task D5_a_secret_deleted_or_revoked_at_the_backend_stops_being_served_after_one_refresh(bool revoke)
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "1");
        var first = await f.Store.GetSecretAsync(ScriptedStoreFixture.Ref("db"));
        if (revoke)
        {
            f.Provider.Deny("db");
        }
        else
        {
            f.Provider.Delete("db");
        }

        f.Time.Advance(TimeSpan.FromMinutes(4));
        await f.Store.RefreshAsync();
        var read = f.ReadTextAsync("db");

        var error = await Assert.ThrowsAnyAsync<SecretStoreException>(() => read);
        Assert.IsType(revoke ? typeof(SecretAccessDeniedException) : typeof(SecretNotFoundException), error);
        await Eventually.TrueAsync(() => first.Value.IsWiped, "the removed value is wiped");
    }

    [Fact]
    public async Task D6_the_breaker_counts_logical_calls_not_attempts()
    {
        await using var f = new ScriptedStoreFixture(configureProvider: options =>
        {
            options.Resilience.EnableCircuitBreaker = true;
            options.Resilience.MaxRetryAttempts = 3;
        });
        var attempts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        f.Provider.Fault = (kind, name) => attempts.AddOrUpdate(name, 1, (_, n) => n + 1) == 1 ? new SecretUnavailableException("fake", name, "Injected.") : null;
        for (var i = 0; i < 40; i++)
        {
            f.Provider.Set("s" + i.ToString(CultureInfo.InvariantCulture), "v");
        }

        for (var i = 0; i < 40; i++)
        {
            // Every first attempt fails and every retry succeeds: half the attempts fail, no logical call does.
            Assert.Equal("v", await f.ReadTextAsync("s" + i.ToString(CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public async Task D7_a_listing_is_retried_mapped_and_audited()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("a", "1");
        var listings = 0;
        f.Provider.Fault = (kind, _) => kind == "list" && Interlocked.Increment(ref listings) == 1 ? new HttpRequestException("Connection reset.") : null;

        var names = new List<string>();
        await foreach (var properties in f.Store.ListSecretsAsync("fake"))
        {
            names.Add(properties.Name);
        }

        Assert.Equal(["a"], names);
        f.Provider.Fault = (kind, name) => kind == "list" ? new SecretAccessDeniedException("fake", name) : null;
        await Assert.ThrowsAsync<SecretAccessDeniedException>(async () =>
        {
            await foreach (var unused in f.Store.ListSecretsAsync("fake"))
            {
            }
        });
        Assert.Contains(f.Audit.Records, r => r.Kind == SecretAccessKind.List && r.Outcome == SecretAuditOutcome.AccessDenied);
    }

    [Fact]
    public async Task D8_a_bulk_load_joins_a_fetch_in_flight_counts_misses_and_caches_not_found()
    {
        await using var f = new ScriptedStoreFixture(batchSize: 20);
        using var misses = f.Collect("secrets.client.cache.misses");
        f.Provider.Set("a", "1");
        f.Provider.Set("b", "1");
        var hold = f.Provider.HoldNext("get", "a");
        var single = f.ReadTextAsync("a");
        await hold.Entered.WaitAsync(Failsafe);

        var bulk = f.Store.GetSecretsAsync([ScriptedStoreFixture.Ref("a"), ScriptedStoreFixture.Ref("b"), ScriptedStoreFixture.Ref("gone")]).AsTask();
        hold.Release();
        var results = await bulk.WaitAsync(Failsafe);
        await single;
        await Assert.ThrowsAsync<SecretNotFoundException>(() => f.ReadTextAsync("gone"));

        Assert.True(results[0].IsSuccess && results[1].IsSuccess);
        Assert.IsType<SecretNotFoundException>(results[2].Error);
        Assert.Equal(1, f.Provider.Calls("get", "a") + f.Provider.Calls("batch", "a"));
        Assert.Equal(1, f.Provider.Calls("get", "gone") + f.Provider.Calls("batch", "gone"));
        Assert.Equal(4, misses.GetMeasurementSnapshot().Sum(m => m.Value)); // the single read's miss, then the bulk's three
    }

    /// <summary>
    /// A refresh's answer is held while the secret rotates and expires; a read past expiry gets an answer of its own,
    /// then the held (older) answer lands. The versions served must never go back.
    /// </summary>
    private static async Task LateAnswerScenarioAsync(string held, bool rotateBeforeHold)
    {
        // Attempts never time out here, so that the held answer is the one that lands.
        await using var f = new ScriptedStoreFixture(configureProvider: options => options.Resilience.AttemptTimeout = TimeSpan.FromHours(1));
        var served = new List<int>();
        f.Provider.Set("db", "1");
        served.Add(await ReadVersionAsync(f));
        if (rotateBeforeHold)
        {
            f.Provider.Set("db", "2");
        }

        var hold = f.Provider.HoldNext(held, "db");
        f.Time.Advance(TimeSpan.FromMinutes(4));
        served.Add(await ReadVersionAsync(f));
        await hold.Entered.WaitAsync(Failsafe);
        f.Provider.Set("db", rotateBeforeHold ? "3" : "2");

        f.Time.Advance(TimeSpan.FromMinutes(1.5));
        var read = ReadVersionAsync(f);
        f.Time.Advance(TimeSpan.FromSeconds(2));
        served.Add(await read.WaitAsync(Failsafe));
        hold.Release();
        await Eventually.TrueAsync(() => f.Audit.Records.Any(r => r.Kind == SecretAccessKind.Refresh), "the late answer landed");
        served.Add(await ReadVersionAsync(f));

        AssertNeverOlder(served);
    }

    private static async Task<int> ReadVersionAsync(ScriptedStoreFixture f)
    {
        var secret = await f.Store.GetSecretAsync(ScriptedStoreFixture.Ref("db"));
        return int.Parse(secret.Properties.Version!, CultureInfo.InvariantCulture);
    }

    private static void AssertNeverOlder(List<int> served)
    {
        for (var i = 1; i < served.Count; i++)
        {
            Assert.True(served[i] >= served[i - 1], $"Served versions {string.Join(", ", served)}: version {served[i]} after {served[i - 1]}.");
        }
    }
}

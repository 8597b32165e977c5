using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Tests.Caching;

public class SecretStoreTests
{
    private static readonly SecretReference Db = SecretReference.Parse("memory://db");

    [Fact]
    public async Task A_second_read_is_served_from_cache_without_a_backend_call()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", Canary.Value);

        var first = await fixture.Store.GetSecretAsync(Db);
        var second = await fixture.Store.GetSecretAsync(Db);

        Assert.Same(first, second);
        Assert.Equal(Canary.Value, second.Value.ExposeAsString());
        Assert.Equal(1, fixture.Provider.GetSecretCalls);
        Assert.Equal("1", second.Properties.Version);
    }

    [Fact]
    public async Task A_reference_without_provider_goes_to_the_only_provider()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", "x");

        var secret = await fixture.Store.GetSecretAsync("db");

        Assert.Equal("memory", secret.Properties.Provider);
    }

    [Fact]
    public async Task An_unknown_provider_is_an_invalid_reference()
    {
        await using var fixture = new StoreFixture();

        var error = await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => fixture.Store.GetSecretAsync("nope://db").AsTask());

        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_thousand_concurrent_cold_reads_make_exactly_one_backend_call()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", Canary.Value);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Provider.BeforeCall = (_, _) => gate.Task;

        var reads = Enumerable.Range(0, 1_000).Select(_ => Task.Run(() => fixture.Store.GetSecretAsync(Db).AsTask())).ToArray();
        await Eventually.TrueAsync(() => fixture.Provider.GetSecretCalls == 1, "the first miss reached the provider");
        gate.SetResult();
        var secrets = await Task.WhenAll(reads);

        Assert.Equal(1, fixture.Provider.GetSecretCalls);
        Assert.All(secrets, secret => Assert.Same(secrets[0], secret));
    }

    [Fact]
    public async Task Unrelated_secrets_never_wait_on_each_other()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("slow", "1");
        fixture.Provider.Set("fast", "2");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Provider.BeforeCall = (name, _) => name == "slow" ? gate.Task : Task.CompletedTask;

        var slow = fixture.Store.GetSecretAsync("memory://slow").AsTask();
        var fast = await fixture.Store.GetSecretAsync("memory://fast");

        Assert.Equal("2", fast.Value.ExposeAsString());
        Assert.False(slow.IsCompleted);
        gate.SetResult();
        Assert.Equal("1", (await slow).Value.ExposeAsString());
    }

    [Fact]
    public async Task A_caller_cancelling_does_not_cancel_the_shared_fetch()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", "x");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Provider.BeforeCall = (_, _) => gate.Task;
        using var cancel = new CancellationTokenSource();

        var cancelled = fixture.Store.GetSecretAsync(Db, cancel.Token).AsTask();
        var patient = fixture.Store.GetSecretAsync(Db).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.SetResult();

        Assert.Equal("x", (await patient).Value.ExposeAsString());
        Assert.Equal(1, fixture.Provider.GetSecretCalls);
    }

    [Fact]
    public async Task Refresh_ahead_serves_the_cached_value_and_picks_up_rotation_in_the_background()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", Canary.Value);
        var first = await fixture.Store.GetSecretAsync(Db);
        var changed = new TaskCompletionSource<SecretChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Store.SecretChanged += (_, args) => changed.TrySetResult(args);

        fixture.Provider.Set("db", Canary.Rotated);
        fixture.Time.Advance(TimeSpan.FromMinutes(3.9)); // past 5 min x 0.8 x (1 - 0.1 x 0.5) = 3.8 min
        var duringRefresh = await fixture.Store.GetSecretAsync(Db);
        var args = await changed.Task;
        var after = await fixture.Store.GetSecretAsync(Db);

        Assert.Same(first, duringRefresh);
        Assert.Equal("2", args.Properties.Version);
        Assert.Equal(Canary.Rotated, after.Value.ExposeAsString());
        Assert.Equal(1, fixture.Provider.GetPropertiesCalls);
        Assert.Equal(2, fixture.Provider.GetSecretCalls);
    }

    [Fact]
    public async Task Refresh_with_an_unchanged_version_checks_metadata_only()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", "x");
        await fixture.Store.GetSecretAsync(Db);

        fixture.Time.Advance(TimeSpan.FromMinutes(4));
        var changed = await fixture.Store.RefreshAsync();
        fixture.Time.Advance(TimeSpan.FromMinutes(2)); // would be expired without the renewal
        await fixture.Store.GetSecretAsync(Db);

        Assert.Equal(0, changed);
        Assert.Equal(1, fixture.Provider.GetSecretCalls);
        Assert.Equal(1, fixture.Provider.GetPropertiesCalls);
        Assert.Contains(fixture.Audit.Records, r => r.Kind == SecretAccessKind.Refresh && r.Outcome == SecretAuditOutcome.Success);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_serving_the_last_good_value_until_max_staleness()
    {
        await using var fixture = new StoreFixture(options => options.MaxStaleness = TimeSpan.FromMinutes(30));
        fixture.Provider.Set("db", Canary.Value);
        await fixture.Store.GetSecretAsync(Db);

        fixture.Provider.Faults.FailNext(1_000);
        fixture.Time.Advance(TimeSpan.FromMinutes(6));
        var stale = await fixture.Store.GetSecretAsync(Db);

        Assert.Equal(Canary.Value, stale.Value.ExposeAsString());
        Assert.Equal(1, fixture.Store.StaleCount);
        Assert.Contains(fixture.Audit.Records, r => r.Outcome == SecretAuditOutcome.StaleServed);
        var callsAfterFailure = fixture.Provider.GetPropertiesCalls;

        // Until the retry interval passes, further reads are served stale without hammering the failing provider.
        await fixture.Store.GetSecretAsync(Db);
        Assert.Equal(callsAfterFailure, fixture.Provider.GetPropertiesCalls);
        fixture.Time.Advance(TimeSpan.FromSeconds(31));
        await fixture.Store.GetSecretAsync(Db);
        Assert.True(fixture.Provider.GetPropertiesCalls > callsAfterFailure);

        fixture.Time.Advance(TimeSpan.FromMinutes(31));
        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => fixture.Store.GetSecretAsync(Db).AsTask());
        Canary.AssertAbsent(error);
    }

    [Fact]
    public async Task Transient_failures_are_retried()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", "x");
        fixture.Provider.Faults.FailNext(2);

        var secret = await fixture.Store.GetSecretAsync(Db);

        Assert.Equal("x", secret.Value.ExposeAsString());
        Assert.Equal(3, fixture.Provider.GetSecretCalls);
    }

    [Fact]
    public async Task Dropped_connections_are_retried()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", "x");
        fixture.Provider.Faults.DropNext(1);

        await fixture.Store.GetSecretAsync(Db);

        Assert.Equal(2, fixture.Provider.GetSecretCalls);
    }

    [Fact]
    public async Task Throttling_waits_for_retry_after()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", "x");
        fixture.Provider.Faults.RetryAfter = TimeSpan.FromSeconds(5);
        fixture.Provider.Faults.ThrottleNext(1);

        var read = fixture.Store.GetSecretAsync(Db).AsTask();
        Assert.False(read.IsCompleted);
        fixture.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(read.IsCompleted);
        fixture.Time.Advance(TimeSpan.FromSeconds(0.1));
        await read;

        Assert.Equal(2, fixture.Provider.GetSecretCalls);
    }

    [Fact]
    public async Task A_hung_attempt_times_out_and_is_retried()
    {
        await using var fixture = new StoreFixture(configureProvider: options => options.Resilience.AttemptTimeout = TimeSpan.FromSeconds(2));
        fixture.Provider.Set("db", "x");
        var hung = 1;
        fixture.Provider.BeforeCall = (_, ct) => Interlocked.Exchange(ref hung, 0) == 1 ? Task.Delay(Timeout.Infinite, ct) : Task.CompletedTask;

        var read = fixture.Store.GetSecretAsync(Db).AsTask();
        Assert.False(read.IsCompleted);
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        var secret = await read;

        Assert.Equal("x", secret.Value.ExposeAsString());
        Assert.Equal(2, fixture.Provider.GetSecretCalls);
    }

    [Fact]
    public async Task A_provider_that_never_answers_fails_as_unavailable_after_the_retries()
    {
        await using var fixture = new StoreFixture(configureProvider: options =>
        {
            options.Resilience.AttemptTimeout = TimeSpan.FromSeconds(1);
            options.Resilience.MaxRetryAttempts = 2;
        });
        fixture.Provider.Set("db", "x");
        fixture.Provider.BeforeCall = (_, ct) => Task.Delay(Timeout.Infinite, ct);

        var read = fixture.Store.GetSecretAsync(Db).AsTask();
        for (var i = 0; i < 3 && !read.IsCompleted; i++)
        {
            await Eventually.TrueAsync(() => fixture.Provider.GetSecretCalls == i + 1, $"attempt {i + 1} started");
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => read);
        Assert.Contains("did not answer within 1 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, fixture.Provider.GetSecretCalls);
    }

    [Fact]
    public async Task Not_found_is_never_retried_and_is_briefly_cached()
    {
        await using var fixture = new StoreFixture();

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => fixture.Store.GetSecretAsync(Db).AsTask());
        await Assert.ThrowsAsync<SecretNotFoundException>(() => fixture.Store.GetSecretAsync(Db).AsTask());
        Assert.Equal(1, fixture.Provider.GetSecretCalls);

        fixture.Provider.Set("db", "now exists");
        fixture.Time.Advance(TimeSpan.FromSeconds(11));
        var found = await fixture.Store.GetSecretAsync(Db);

        Assert.Equal("now exists", found.Value.ExposeAsString());
        Assert.Equal(2, fixture.Provider.GetSecretCalls);
        Assert.Equal("memory", error.Provider);
        Assert.Equal("db", error.SecretName);
        Assert.Contains("'db'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_circuit_opens_after_repeated_failures_and_stops_calling_the_provider()
    {
        await using var fixture = new StoreFixture(configureProvider: options =>
        {
            options.Resilience.MaxRetryAttempts = 0;
            options.Resilience.EnableCircuitBreaker = true;
            options.Resilience.CircuitBreakerMinimumThroughput = 2;
            options.Resilience.CircuitBreakerFailureRatio = 0.5;
        });
        fixture.Provider.Set("db", "x");
        fixture.Provider.Faults.FailNext(2);

        await Assert.ThrowsAsync<SecretUnavailableException>(() => fixture.Store.GetSecretAsync(Db).AsTask());
        await Assert.ThrowsAsync<SecretUnavailableException>(() => fixture.Store.GetSecretAsync(Db).AsTask());
        var open = await Assert.ThrowsAsync<SecretUnavailableException>(() => fixture.Store.GetSecretAsync(Db).AsTask());

        Assert.Equal(2, fixture.Provider.GetSecretCalls);
        Assert.Contains("circuit breaker", open.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_scoped_to_production_is_refused_in_development_before_any_call()
    {
        await using var fixture = new StoreFixture(configureProvider: options => options.AllowedEnvironments.Add("Production"));
        fixture.Provider.Set("db", Canary.Value);

        var error = await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => fixture.Store.GetSecretAsync(Db).AsTask());

        Assert.Equal(0, fixture.Provider.TotalCalls);
        Assert.Equal("Development", error.Environment);
        Assert.Contains("Production", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<SecretAccessDeniedException>(error);
        Assert.Contains(fixture.Audit.Records, r => r.Outcome == SecretAuditOutcome.AccessDenied);
        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => fixture.Store.GetSecretPropertiesAsync(Db).AsTask());
        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(async () => await fixture.Store.ListSecretsAsync("memory").ToListAsync());
        Assert.Equal(0, fixture.Provider.TotalCalls);
    }

    [Fact]
    public async Task A_reference_scoped_to_production_is_refused_in_development()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", Canary.Value);

        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => fixture.Store.GetSecretAsync("memory://db?env=Production").AsTask());
        var allowed = await fixture.Store.GetSecretAsync("memory://db?env=Development,Staging");

        Assert.Equal(1, fixture.Provider.GetSecretCalls);
        Assert.Equal(Canary.Value, allowed.Value.ExposeAsString());
    }

    [Fact]
    public async Task The_cache_is_bounded_and_evicted_values_are_wiped()
    {
        await using var fixture = new StoreFixture(options => options.MaxCachedSecrets = 2);
        foreach (var name in new[] { "a", "b", "c" })
        {
            fixture.Provider.Set(name, Canary.Value + name);
        }

        var a = await fixture.Store.GetSecretAsync("memory://a");
        var wiped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Value.WipeProbe = memory => wiped.TrySetResult(!memory.ContainsAnyExcept((byte)0));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await fixture.Store.GetSecretAsync("memory://b");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await fixture.Store.GetSecretAsync("memory://c");

        // The eviction callback runs on the thread pool; the probe sees the memory right after the wipe.
        Assert.True(await wiped.Task.WaitAsync(TimeSpan.FromSeconds(30)), "the wiped memory holds only zeros");
        Assert.True(a.Value.IsWiped);
        Assert.Equal(2, fixture.Store.CachedCount);
        Assert.Throws<ObjectDisposedException>(() => a.Value.Lease());
    }

    [Fact]
    public async Task Entries_held_past_their_refresh_time_count_toward_the_bound()
    {
        await using var fixture = new StoreFixture(options => options.MaxCachedSecrets = 2);
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            fixture.Provider.Set(name, name);
        }

        var a = await fixture.Store.GetSecretAsync("memory://a");
        var b = await fixture.Store.GetSecretAsync("memory://b");
        fixture.Time.Advance(TimeSpan.FromMinutes(4)); // a and b are due for refresh: out of MemoryCache, still held
        await fixture.Store.GetSecretAsync("memory://c");
        await fixture.Store.GetSecretAsync("memory://d");

        await Eventually.TrueAsync(() => a.Value.IsWiped && b.Value.IsWiped, "the held entries beyond the bound are wiped");
        Assert.Equal(2, fixture.Store.CachedCount);
    }

    [Fact]
    public async Task A_lease_outliving_eviction_reads_correct_bytes_and_the_wipe_follows_its_release()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", Canary.Value);
        var secret = await fixture.Store.GetSecretAsync(Db);

        ReadAcrossEviction(fixture.Store, secret);

        Assert.True(secret.Value.IsWiped);

        static void ReadAcrossEviction(SecretStore store, Secret secret)
        {
            var lease = secret.Value.Lease();
            store.Invalidate(Db);
            Assert.True(SpinWait.SpinUntil(() => store.CachedCount == 0, TimeSpan.FromSeconds(30)));
            Assert.False(secret.Value.IsWiped);
            Assert.Equal(Canary.Value, Encoding.UTF8.GetString(lease.Span));
            lease.Dispose();
        }
    }

    [Fact]
    public async Task Replaced_values_stay_readable_for_the_grace_period_then_are_wiped()
    {
        await using var fixture = new StoreFixture(options => options.EvictionGracePeriod = TimeSpan.FromSeconds(10));
        fixture.Provider.Set("db", Canary.Value);
        var secret = await fixture.Store.GetSecretAsync(Db);

        fixture.Store.Invalidate(Db);
        await Eventually.TrueAsync(() => fixture.Store.CachedCount == 0, "the entry is evicted");
        Assert.Equal(Canary.Value, secret.Value.ExposeAsString());
        fixture.Time.Advance(TimeSpan.FromSeconds(10));

        await Eventually.TrueAsync(() => secret.Value.IsWiped, "the grace period ended");
    }

    [Fact]
    public async Task Disposing_the_store_wipes_every_cached_value_and_callers_cannot_dispose_shared_values()
    {
        var fixture = new StoreFixture();
        fixture.Provider.Set("db", Canary.Json);
        var secret = await fixture.Store.GetSecretAsync(Db);
        var field = await fixture.Store.GetSecretAsync("memory://db#password");

        secret.Dispose();
        field.Value.Dispose();
        Assert.False(secret.Value.IsWiped);
        Assert.Equal(Canary.Value, field.Value.ExposeAsString());

        await fixture.DisposeAsync();

        Assert.True(secret.Value.IsWiped);
        Assert.True(field.Value.IsWiped);
    }

    [Fact]
    public async Task Json_fields_are_extracted_once_and_cached_with_their_secret()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", Canary.Json);

        var password = await fixture.Store.GetSecretAsync("memory://db#password");
        var again = await fixture.Store.GetSecretAsync("memory://db#password");
        var port = await fixture.Store.GetSecretAsync("memory://db#port");

        Assert.Same(password, again);
        Assert.Equal(Canary.Value, password.Value.ExposeAsString());
        Assert.Equal("5432", port.Value.ExposeAsString());
        Assert.Equal(1, fixture.Provider.GetSecretCalls);
        var missing = await Assert.ThrowsAsync<SecretFormatException>(() => fixture.Store.GetSecretAsync("memory://db#nope").AsTask());
        Assert.Equal("db", missing.SecretName);
        Canary.AssertAbsent(missing);
    }

    [Fact]
    public async Task Pinned_versions_and_stages_are_cached_separately()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", "one");
        fixture.Provider.Set("db", "two");

        var current = await fixture.Store.GetSecretAsync(Db);
        var previous = await fixture.Store.GetSecretAsync("memory://db?stage=previous");
        var first = await fixture.Store.GetSecretAsync("memory://db?version=1");

        Assert.Equal("two", current.Value.ExposeAsString());
        Assert.Equal("one", previous.Value.ExposeAsString());
        Assert.Equal("one", first.Value.ExposeAsString());
        await Assert.ThrowsAsync<SecretNotFoundException>(() => fixture.Store.GetSecretAsync("memory://db?version=9").AsTask());
    }

    [Fact]
    public async Task Bulk_reads_use_batches_and_report_each_secret_on_its_own()
    {
        await using var fixture = new StoreFixture();
        var references = Enumerable.Range(0, 45).Select(i => SecretReference.Parse($"memory://s{i}")).ToList();
        foreach (var reference in references.Skip(1))
        {
            fixture.Provider.Set(reference.Path, reference.Path);
        }

        var results = await fixture.Store.GetSecretsAsync(references);

        Assert.Equal(3, fixture.Provider.BatchCalls);
        Assert.IsType<SecretNotFoundException>(results[0].Error);
        Assert.All(results.Skip(1), result => Assert.Equal(result.Reference.Path, result.Secret!.Value.ExposeAsString()));

        await fixture.Store.GetSecretsAsync(references.Skip(1).ToList());
        Assert.Equal(3, fixture.Provider.BatchCalls);
    }

    [Fact]
    public async Task Bulk_reads_without_batching_respect_max_concurrency()
    {
        await using var fixture = new StoreFixture(options => options.MaxConcurrency = 4, provider => provider.MaxBatchSize = 1);
        var inflight = 0;
        var peak = 0;
        fixture.Provider.BeforeCall = async (_, ct) =>
        {
            var now = Interlocked.Increment(ref inflight);
            InterlockedMax(ref peak, now);
            await Task.Delay(2, ct);
            Interlocked.Decrement(ref inflight);
        };
        var references = Enumerable.Range(0, 40).Select(i => SecretReference.Parse($"memory://s{i}")).ToList();
        references.ForEach(reference => fixture.Provider.Set(reference.Path, "v"));

        var results = await fixture.Store.GetSecretsAsync(references);

        Assert.All(results, result => Assert.True(result.IsSuccess));
        Assert.InRange(peak, 1, 4);
        Assert.Equal(40, fixture.Provider.GetSecretCalls);

        static void InterlockedMax(ref int target, int value)
        {
            var current = Volatile.Read(ref target);
            while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
            {
                current = Volatile.Read(ref target);
            }
        }
    }

    [Fact]
    public async Task Concurrent_bulk_reads_share_one_concurrency_bound()
    {
        await using var fixture = new StoreFixture(options => options.MaxConcurrency = 3, provider => provider.MaxBatchSize = 1);
        var inflight = 0;
        var peak = 0;
        fixture.Provider.BeforeCall = async (_, ct) =>
        {
            var now = Interlocked.Increment(ref inflight);
            int seen;
            while (now > (seen = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
            {
            }

            await Task.Delay(2, ct);
            Interlocked.Decrement(ref inflight);
        };
        var first = Enumerable.Range(0, 15).Select(i => SecretReference.Parse($"memory://a{i}")).ToList();
        var second = Enumerable.Range(0, 15).Select(i => SecretReference.Parse($"memory://b{i}")).ToList();
        first.Concat(second).ToList().ForEach(reference => fixture.Provider.Set(reference.Path, "v"));

        var results = await Task.WhenAll(fixture.Store.GetSecretsAsync(first).AsTask(), fixture.Store.GetSecretsAsync(second).AsTask());

        Assert.All(results.SelectMany(batch => batch), result => Assert.True(result.IsSuccess));
        Assert.InRange(peak, 1, 3);
    }

    [Fact]
    public async Task Rotate_and_set_go_to_the_provider_and_drop_the_cached_value()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", Canary.Value);
        await fixture.Store.GetSecretAsync(Db);

        var rotated = await fixture.Store.RotateSecretAsync(Db);
        var afterRotate = await fixture.Store.GetSecretAsync(Db);
        Assert.NotEqual(Canary.Value, afterRotate.Value.ExposeAsString());
        using var newValue = SecretValue.FromText(Canary.Rotated);
        var written = await fixture.Store.SetSecretAsync(Db, newValue);
        var afterSet = await fixture.Store.GetSecretAsync(Db);

        Assert.Equal("2", rotated.Version);
        Assert.Equal("2", afterRotate.Properties.Version);
        Assert.Equal("3", written.Version);
        Assert.Equal(Canary.Rotated, afterSet.Value.ExposeAsString());
        Assert.Contains(fixture.Audit.Records, r => r.Kind == SecretAccessKind.Rotate);
        Assert.Contains(fixture.Audit.Records, r => r.Kind == SecretAccessKind.Write);
    }

    [Fact]
    public async Task Metadata_and_listing_go_through_the_store()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("app/a", "1");
        fixture.Provider.Set("app/b", "2");
        fixture.Provider.Set("other", "3");

        var properties = await fixture.Store.GetSecretPropertiesAsync(SecretReference.Parse("memory://app/a"));
        var listed = await fixture.Store.ListSecretsAsync("memory", "app/").ToListAsync();

        Assert.Equal("1", properties.Version);
        Assert.Equal(["app/a", "app/b"], listed.Select(p => p.Name));
        Assert.Contains(fixture.Audit.Records, r => r.Kind == SecretAccessKind.List);
        Assert.Contains(fixture.Audit.Records, r => r.Kind == SecretAccessKind.Metadata);
    }

    [Fact]
    public async Task Every_read_is_audited_with_who_what_where_and_when_but_never_the_value()
    {
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("db", Canary.Value);

        await fixture.Store.GetSecretAsync(Db);
        await fixture.Store.GetSecretAsync(Db);
        await Assert.ThrowsAsync<SecretNotFoundException>(() => fixture.Store.GetSecretAsync("memory://missing").AsTask());

        var records = fixture.Audit.Records.ToArray();
        Assert.Equal([SecretAccessKind.Fetch, SecretAccessKind.CacheHit, SecretAccessKind.Fetch], records.Select(r => r.Kind));
        Assert.Equal([SecretAuditOutcome.Success, SecretAuditOutcome.Success, SecretAuditOutcome.NotFound], records.Select(r => r.Outcome));
        Assert.False(records[0].CacheHit);
        Assert.True(records[1].CacheHit);
        Assert.All(records, r =>
        {
            Assert.Equal("memory", r.Provider);
            Assert.Equal("in-memory-test-identity", r.Identity);
            Assert.Equal(Environment.MachineName, r.Host);
            Assert.Equal(Environment.UserName, r.User);
            Assert.Contains($"[{Environment.ProcessId}]", r.Process, StringComparison.Ordinal);
            Assert.Equal("Development", r.Environment);
            Assert.Equal(fixture.Time.GetUtcNow(), r.Timestamp);
        });
        Assert.Equal("SecretNotFoundException", records[2].ErrorType);
    }

    [Fact]
    public async Task The_default_audit_sink_logs_structured_events_without_values()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        var provider = new InMemorySecretProvider(new InMemorySecretProviderOptions { TimeProvider = time });
        provider.Set("db", Canary.Json);
        await using var store = new SecretStore([provider], new SecretStoreOptions { Environment = "Test" }, time, loggerFactory);

        await store.GetSecretAsync("memory://db#password");
        await store.GetSecretAsync("memory://db#password");
        await Assert.ThrowsAsync<SecretNotFoundException>(() => store.GetSecretAsync("memory://nope").AsTask());

        var audit = logs.GetSnapshot().Where(r => r.Category == LoggerSecretAuditSink.CategoryName).ToArray();
        Assert.Equal(3, audit.Length);
        Assert.All(audit, r => Assert.Equal("SecretAccessed", r.Id.Name));
        Assert.Equal(LogLevel.Debug, audit[1].Level);
        Assert.Equal(LogLevel.Warning, audit[2].Level);
        Assert.Contains(audit[0].StructuredState!, kv => kv.Key == "SecretName" && kv.Value == "db");
        Assert.Contains(audit[0].StructuredState!, kv => kv.Key == "Field" && kv.Value == "password");
        foreach (var record in logs.GetSnapshot())
        {
            Canary.AssertAbsent(record.Message);
            Canary.AssertAbsent(string.Join(";", record.StructuredState?.Select(kv => kv.Value) ?? []));
        }
    }

    [Fact]
    public async Task Metrics_count_reads_hits_misses_errors_and_stale_serves()
    {
        await using var fixture = new StoreFixture();
        using var reads = fixture.Collect("secrets.client.reads");
        using var hits = fixture.Collect("secrets.client.cache.hits");
        using var misses = fixture.Collect("secrets.client.cache.misses");
        using var errors = fixture.Collect("secrets.client.errors");
        using var stale = fixture.Collect("secrets.client.stale_serves");
        fixture.Provider.Set("db", "x");

        await fixture.Store.GetSecretAsync(Db);
        await fixture.Store.GetSecretAsync(Db);
        await Assert.ThrowsAsync<SecretNotFoundException>(() => fixture.Store.GetSecretAsync("memory://missing").AsTask());
        fixture.Provider.Faults.FailNext(1_000);
        fixture.Time.Advance(TimeSpan.FromMinutes(6));
        await fixture.Store.GetSecretAsync(Db);

        Assert.Equal(3, reads.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(1, hits.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(3, misses.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(2, errors.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(1, stale.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.All(reads.GetMeasurementSnapshot(), m => Assert.Equal("memory", m.Tags["provider"]));
    }

    [Fact]
    public async Task Fetches_are_traced_without_values()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Secrets.Client",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (activities)
                {
                    activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var fixture = new StoreFixture();
        fixture.Provider.Set("traced-secret", Canary.Value);

        await fixture.Store.GetSecretAsync("memory://traced-secret");

        Activity[] mine;
        lock (activities)
        {
            mine = activities.Where(a => Equals(a.GetTagItem("secrets.name"), "traced-secret")).ToArray();
        }

        var fetch = Assert.Single(mine);
        Assert.Equal("secrets.fetch", fetch.OperationName);
        Assert.Equal("1", fetch.GetTagItem("secrets.version"));
        Canary.AssertAbsent(string.Join(";", fetch.TagObjects.Select(t => t.Key + "=" + t.Value)));
    }

    [Fact]
    public async Task No_failure_path_leaks_a_value_into_exceptions_or_logs()
    {
        await using var fixture = new StoreFixture(options => options.MaxStaleness = TimeSpan.Zero, provider => provider.AllowedEnvironments.Clear());
        fixture.Provider.Set("db", Canary.Json);
        var errors = new List<Exception>();

        await fixture.Store.GetSecretAsync(Db);
        errors.Add(await Assert.ThrowsAsync<SecretFormatException>(() => fixture.Store.GetSecretAsync("memory://db#missing").AsTask()));
        errors.Add(await Assert.ThrowsAsync<SecretNotFoundException>(() => fixture.Store.GetSecretAsync("memory://db?version=7").AsTask()));
        errors.Add(await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => fixture.Store.GetSecretAsync("memory://db?env=Production").AsTask()));
        fixture.Provider.Faults.FailNext(1_000);
        fixture.Time.Advance(TimeSpan.FromMinutes(6));
        errors.Add(await Assert.ThrowsAsync<SecretUnavailableException>(() => fixture.Store.GetSecretAsync(Db).AsTask()));

        errors.ForEach(Canary.AssertAbsent);
        Canary.AssertAbsent(fixture.AllLogText());
        Canary.AssertAbsent(fixture.Store.ToString());
    }

    [Fact]
    public void Invalid_options_are_refused_when_the_store_is_built()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            new SecretStore([new InMemorySecretProvider()], new SecretStoreOptions { CacheDuration = TimeSpan.Zero, MaxConcurrency = 0 }));

        Assert.Contains("CacheDuration", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrency", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_providers_with_one_name_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new SecretStore([new InMemorySecretProvider(), new InMemorySecretProvider()]));

        Assert.Contains("'memory'", error.Message, StringComparison.Ordinal);
    }
}

namespace Secrets.Client.Tests.Fetching;

/// <summary>The one fetch path: removal as an answer, its grace, the change feed, version order and pinned stages.</summary>
public class FetchPathTests
{
    [Fact]
    public async Task A_removed_secret_is_reported_once_and_a_grace_period_keeps_serving_it_until_it_passes()
    {
        await using var f = new ScriptedStoreFixture(options => options.RemovedSecretGracePeriod = TimeSpan.FromMinutes(1));
        var changes = new List<SecretChangedEventArgs>();
        f.Store.SecretChanged += (_, args) => changes.Add(args);
        f.Provider.Set("db", "1");
        await f.ReadTextAsync("db");
        f.Provider.Delete("db");
        f.Time.Advance(TimeSpan.FromMinutes(4));
        await f.Store.RefreshAsync();

        Assert.Equal("1", await f.ReadTextAsync("db")); // within the grace
        f.Time.Advance(TimeSpan.FromMinutes(1));
        await Assert.ThrowsAsync<SecretNotFoundException>(() => f.ReadTextAsync("db"));

        var removed = Assert.Single(changes);
        Assert.Equal(SecretChangeKind.Removed, removed.Kind);
        Assert.IsType<SecretNotFoundException>(removed.Error);
        Assert.Contains(f.Audit.Records, r => r.Kind == SecretAccessKind.Refresh && r.Outcome == SecretAuditOutcome.NotFound);
    }

    [Fact]
    public async Task A_rotation_found_by_refresh_is_one_updated_change()
    {
        await using var f = new ScriptedStoreFixture();
        var changes = new List<SecretChangedEventArgs>();
        f.Store.SecretChanged += (_, args) => changes.Add(args);
        f.Provider.Set("db", "1");
        await f.ReadTextAsync("db");
        f.Provider.Set("db", "2");
        f.Time.Advance(TimeSpan.FromMinutes(4));

        Assert.Equal(1, await f.Store.RefreshAsync());
        Assert.Equal(0, await f.Store.RefreshAsync());

        var change = Assert.Single(changes);
        Assert.Equal((SecretChangeKind.Updated, "2"), (change.Kind, change.Properties.Version));
        Assert.Equal("2", await f.ReadTextAsync("db"));
    }

    [Fact]
    public async Task A_pinned_stage_follows_the_backend_even_to_an_older_version()
    {
        await using var f = new ScriptedStoreFixture();
        var pinned = SecretReference.Parse("fake://db?stage=previous");
        f.Provider.Set("db", "a");
        f.Provider.Set("db", "b");
        Assert.Equal("2", (await f.Store.GetSecretAsync(pinned)).Properties.Version);
        f.Provider.Delete("db");
        f.Provider.Set("db", "x"); // what the stage names now is version 1
        f.Time.Advance(TimeSpan.FromMinutes(4));

        await f.Store.RefreshAsync();

        var secret = await f.Store.GetSecretAsync(pinned);
        Assert.Equal(("1", "x"), (secret.Properties.Version, secret.Value.ExposeAsString()));
    }

    [Fact]
    public async Task An_older_answer_than_the_cached_value_is_dropped()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "a");
        f.Provider.Set("db", "b"); // version 2 cached
        Assert.Equal("b", await f.ReadTextAsync("db"));
        f.Provider.Delete("db");
        f.Provider.Set("db", "stale replica"); // a backend that answers version 1 now
        f.Time.Advance(TimeSpan.FromMinutes(4));

        await f.Store.RefreshAsync();

        var secret = await f.Store.GetSecretAsync(ScriptedStoreFixture.Ref("db"));
        Assert.Equal(("2", "b"), (secret.Properties.Version, secret.Value.ExposeAsString()));
        Assert.Equal(1, f.Store.FailingRefreshCount);
    }

    [Fact]
    public async Task A_cold_read_that_gets_no_answer_fails_at_the_read_timeout()
    {
        await using var f = new ScriptedStoreFixture(options => options.ReadTimeout = TimeSpan.FromSeconds(2), provider => provider.Resilience.AttemptTimeout = TimeSpan.FromHours(1));
        f.Provider.Set("db", "1");
        var hold = f.Provider.HoldNext("get", "db");
        var read = f.ReadTextAsync("db");
        await hold.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        f.Time.Advance(TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("read timeout", error.Message, StringComparison.Ordinal);
        hold.Release();
    }
}

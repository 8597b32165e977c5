namespace Secrets.Client.Tests.Refresh;

public class SecretRefresherTests
{
    [Fact]
    public async Task Only_due_secrets_are_checked_and_a_failed_check_waits_for_its_retry_interval()
    {
        await using var f = new ScriptedStoreFixture(options => options.FailedRefreshRetryInterval = TimeSpan.FromMinutes(1));
        f.Provider.Set("db", "1");
        await f.ReadTextAsync("db");

        await f.Store.RefreshAsync();
        Assert.Equal(0, f.Provider.Calls("properties"));

        f.Time.Advance(TimeSpan.FromMinutes(4));
        f.Provider.Fault = (_, name) => new SecretUnavailableException("fake", name, "Down.");
        await f.Store.RefreshAsync();
        var afterFailure = f.Provider.Calls("properties");
        await f.Store.RefreshAsync();
        Assert.Equal(afterFailure, f.Provider.Calls("properties"));
        Assert.Equal(1, f.Store.FailingRefreshCount);

        f.Provider.Fault = null;
        f.Time.Advance(TimeSpan.FromMinutes(1));
        await f.Store.RefreshAsync();
        Assert.Equal(0, f.Store.FailingRefreshCount);
    }

    [Fact]
    public async Task Past_max_staleness_an_entry_is_dropped_and_wiped()
    {
        await using var f = new ScriptedStoreFixture(options => options.MaxStaleness = TimeSpan.FromMinutes(10));
        f.Provider.Set("db", "1");
        var secret = await f.Store.GetSecretAsync(ScriptedStoreFixture.Ref("db"));
        f.Provider.Fault = (_, name) => new SecretUnavailableException("fake", name, "Down.");
        f.Time.Advance(TimeSpan.FromMinutes(16));

        await f.Store.RefreshAsync();

        Assert.Equal(0, f.Store.CachedCount);
        Assert.True(secret.Value.IsWiped);
        await Assert.ThrowsAsync<SecretUnavailableException>(() => f.ReadTextAsync("db"));
    }
}

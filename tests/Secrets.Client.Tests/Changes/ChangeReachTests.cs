namespace Secrets.Client.Tests.Changes;

/// <summary>
/// Every way a value changes reaches every reader (configuration, IOptionsMonitor, a typed handle, a decorated store),
/// and so do the next two rotations at the backend, which only polling can see.
/// </summary>
public class ChangeReachTests
{
    public enum Change
    {
        RotateNow,
        Set,
        Invalidate,
        EvictionUnderFullCache,
        BackendDelete,
        BackendRevoke,
    }

    [Theory]
    [InlineData(Change.RotateNow)]
    [InlineData(Change.Set)]
    [InlineData(Change.Invalidate)]
    [InlineData(Change.EvictionUnderFullCache)]
    [InlineData(Change.BackendDelete)]
    [InlineData(Change.BackendRevoke)]
    public async Task A_change_and_two_later_rotations_reach_configuration_options_a_handle_and_a_decorated_store(Change change)
    {
        await using var f = new ChangeReachFixture(maxCachedSecrets: change == Change.EvictionUnderFullCache ? 2 : 100);
        await f.ReachesAsync("v0");
        var changes = new List<SecretChangedEventArgs>();
        f.Store.SecretChanged += (_, args) =>
        {
            lock (changes)
            {
                changes.Add(args);
            }
        };

        switch (change)
        {
            case Change.RotateNow:
                await f.Store.RotateSecretAsync(ChangeReachFixture.Reference);
                await f.ReachesAsync(await BackendAsync(f));
                break;
            case Change.Set:
                using (var value = SecretValue.FromText("written"))
                {
                    await f.Store.SetSecretAsync(ChangeReachFixture.Reference, value);
                }

                await f.ReachesAsync("written");
                break;
            case Change.Invalidate:
                f.Provider.Set(ChangeReachFixture.Name, "changed-out-of-band");
                f.Store.Invalidate(ChangeReachFixture.Reference);
                await f.ReachesAsync("changed-out-of-band");
                break;
            case Change.EvictionUnderFullCache:
                f.Provider.Set("other1", "x");
                f.Provider.Set("other2", "y");
                f.Time.Advance(TimeSpan.FromSeconds(1));
                await f.Store.GetSecretAsync(SecretReference.Parse("memory://other1"));
                await f.Store.GetSecretAsync(SecretReference.Parse("memory://other2"));
                Assert.Equal(2, f.Store.CachedCount); // db left the cache (least recently read)
                Assert.Empty(changes);                // eviction is not a change
                f.Provider.Set(ChangeReachFixture.Name, "after-eviction");
                f.PollPastBound();
                await f.ReachesAsync("after-eviction");
                break;
            case Change.BackendDelete:
                f.Provider.Delete(ChangeReachFixture.Name);
                f.PollPastBound();
                await f.ReachesAsync(null);
                break;
            case Change.BackendRevoke:
                f.IsRevoked = true;
                f.PollPastBound();
                await f.ReachesAsync(null);
                f.IsRevoked = false;
                break;
        }

        lock (changes)
        {
            Assert.Single(changes); // one notification for one change
        }

        for (var rotation = 1; rotation <= 2; rotation++)
        {
            f.Provider.Set(ChangeReachFixture.Name, $"rotation-{rotation}");
            f.PollPastBound();
            await f.ReachesAsync($"rotation-{rotation}");
        }

        lock (changes)
        {
            Assert.Equal(3, changes.Count);
        }

        Assert.True(f.Decorated.Tokens > 0);
    }

    [Fact]
    public async Task A_push_notification_for_a_watched_secret_whose_value_left_the_cache_reaches_every_reader_without_a_poll()
    {
        await using var f = new ChangeReachFixture(maxCachedSecrets: 2);
        await f.ReachesAsync("v0");
        f.Provider.Set("other1", "x");
        f.Provider.Set("other2", "y");
        f.Time.Advance(TimeSpan.FromSeconds(1));
        await f.Store.GetSecretAsync(SecretReference.Parse("memory://other1"));
        await f.Store.GetSecretAsync(SecretReference.Parse("memory://other2"));
        Assert.Equal(2, f.Store.CachedCount); // db left the cache but configuration still watches it

        f.Provider.Set(ChangeReachFixture.Name, "pushed");
        var outcome = await f.Decorated.ProcessChangeNotificationAsync(new SecretChangeNotification("memory", ChangeReachFixture.Name));

        Assert.Equal(SecretChangeNotificationOutcome.Scheduled, outcome);
        await f.ReachesAsync("pushed"); // no time advanced: the notification ran the check, not the poll
    }

    [Fact]
    public async Task A_push_notification_for_a_secret_neither_held_nor_watched_costs_nothing()
    {
        await using var f = new ChangeReachFixture();
        await f.ReachesAsync("v0");
        var calls = f.Provider.TotalCalls;

        var outcome = await f.Store.ProcessChangeNotificationAsync(new SecretChangeNotification("memory", "never-read"));

        Assert.Equal(SecretChangeNotificationOutcome.NotHeld, outcome);
        Assert.Equal(calls, f.Provider.TotalCalls);
    }

    private static async Task<string> BackendAsync(ChangeReachFixture f)
    {
        using var secret = await f.Provider.GetSecretAsync(ChangeReachFixture.Reference);
        return secret.Value.ExposeAsString();
    }
}

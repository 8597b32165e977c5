namespace Secrets.Client.Tests.Notifications;

/// <summary>
/// The store's change-notification entry point: a notification only ever triggers a refresh of a held secret, after the
/// jitter, coalesced per secret: a version check and a fetch when the version moved, or, when the notification names a
/// version other than the held one, the fetch alone; it never carries a value.
/// </summary>
public class SecretStoreNotificationsTests
{
    private static SecretChangeNotification Note(string name, string? version = null, string? eventType = "PutSecretValue") =>
        new("fake", name) { Version = version, EventType = eventType, Source = "test" };

    private static Task ChecksDoneAsync(ScriptedStoreFixture f, int count) =>
        Eventually.TrueAsync(() => f.Audit.Records.Count(r => r.Kind == SecretAccessKind.ChangeNotification) >= count, $"{count} notification checks were audited");

    [Fact]
    public async Task A_notification_naming_a_new_version_fetches_it_without_a_version_check_and_raises_SecretChanged()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", Canary.Value);
        await f.ReadTextAsync("db");
        var changed = new TaskCompletionSource<SecretChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        f.Store.SecretChanged += (_, args) => changed.TrySetResult(args);
        f.Provider.Set("db", Canary.Rotated);

        var outcome = await f.Store.ProcessChangeNotificationAsync(Note("db", "2"));

        Assert.Equal(SecretChangeNotificationOutcome.Scheduled, outcome);
        var args = await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SecretChangeKind.Updated, args.Kind);
        Assert.Equal(Canary.Rotated, await f.ReadTextAsync("db"));
        Assert.Equal(0, f.Provider.Calls("properties", "db"));
        Assert.Equal(2, f.Provider.Calls("get", "db"));
        await ChecksDoneAsync(f, 1);
        var record = Assert.Single(f.Audit.Records, r => r.Kind == SecretAccessKind.ChangeNotification);
        Assert.Equal(SecretAuditOutcome.Success, record.Outcome);
        Assert.Equal("2", record.Version);
        Assert.Equal("db", record.SecretName);
    }

    [Fact]
    public async Task A_notification_without_a_version_checks_the_version_first_and_fetches_only_when_it_moved()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "v1");
        await f.ReadTextAsync("db");

        await f.Store.ProcessChangeNotificationAsync(Note("db", eventType: "UpdateSecret"));
        await ChecksDoneAsync(f, 1);
        Assert.Equal(1, f.Provider.Calls("properties", "db"));
        Assert.Equal(1, f.Provider.Calls("get", "db"));

        f.Provider.Set("db", "v2");
        await f.Store.ProcessChangeNotificationAsync(Note("db", eventType: "UpdateSecret"));
        await ChecksDoneAsync(f, 2);
        Assert.Equal(2, f.Provider.Calls("properties", "db"));
        Assert.Equal(2, f.Provider.Calls("get", "db"));
        Assert.Equal("v2", await f.ReadTextAsync("db"));
    }

    [Fact]
    public async Task A_reference_by_stage_is_version_checked_first_even_when_the_notification_names_a_version()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "v1");
        var staged = SecretReference.Parse("fake://db?stage=AWSPENDING");
        await f.Store.GetSecretAsync(staged);
        f.Provider.Set("db", "v2");

        // The named version is the one the current stage moved to; a staged reference may follow another label, so it asks.
        Assert.Equal(SecretChangeNotificationOutcome.Scheduled, await f.Store.ProcessChangeNotificationAsync(Note("db", "2")));
        await ChecksDoneAsync(f, 1);

        Assert.Equal(1, f.Provider.Calls("properties", "db"));
        Assert.Equal(2, f.Provider.Calls("get", "db"));
        Assert.Equal("v2", (await f.Store.GetSecretAsync(staged)).Value.ExposeAsString());
    }

    [Fact]
    public async Task A_secret_held_by_stage_and_plainly_is_found_under_both_keys_and_plainly_again_once_the_stage_key_is_gone()
    {
        // Plain keys are looked up by name; a key by stage is found only by a scan, which runs while one is held.
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "v1");
        var staged = SecretReference.Parse("fake://db?stage=AWSPENDING");
        await f.Store.GetSecretAsync(staged);
        await f.ReadTextAsync("db");
        f.Provider.Set("db", "v2");

        Assert.Equal(SecretChangeNotificationOutcome.Scheduled, await f.Store.ProcessChangeNotificationAsync(Note("db", version: null)));
        await ChecksDoneAsync(f, 2);
        Assert.Equal(2, f.Provider.Calls("properties", "db"));
        Assert.Equal("v2", (await f.Store.GetSecretAsync(staged)).Value.ExposeAsString());

        f.Store.Invalidate(staged);
        f.Provider.Set("db", "v3");
        Assert.Equal(SecretChangeNotificationOutcome.Scheduled, await f.Store.ProcessChangeNotificationAsync(Note("db", "3")));
        await ChecksDoneAsync(f, 3);
        Assert.Equal("v3", await f.ReadTextAsync("db"));
    }

    [Fact]
    public async Task A_notification_for_a_secret_not_held_costs_no_call()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "1");
        f.Provider.Set("other", "1");
        await f.ReadTextAsync("db");
        using var ignored = f.Collect("secrets.client.change_notifications.ignored");

        Assert.Equal(SecretChangeNotificationOutcome.NotHeld, await f.Store.ProcessChangeNotificationAsync(Note("other")));
        Assert.Equal(SecretChangeNotificationOutcome.UnknownProvider, await f.Store.ProcessChangeNotificationAsync(new SecretChangeNotification("nowhere", "db")));

        Assert.Equal(0, f.Provider.Calls("properties"));
        Assert.Equal(0, f.Provider.Calls("get", "other"));
        Assert.Equal(1, f.Provider.Calls("get", "db"));
        Assert.Equal(["not-held", "unknown-provider"], ignored.GetMeasurementSnapshot().Select(m => (string)m.Tags["secrets.reason"]!).Order());
    }

    [Fact]
    public async Task A_forged_notification_costs_one_fetch_and_never_changes_the_value()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", Canary.Value);
        await f.ReadTextAsync("db");
        var changes = 0;
        f.Store.SecretChanged += (_, _) => Interlocked.Increment(ref changes);

        // The event claims a version that does not exist: the store fetches, and the backend serves version 1 again.
        Assert.Equal(SecretChangeNotificationOutcome.Scheduled, await f.Store.ProcessChangeNotificationAsync(Note("db", "999")));
        await ChecksDoneAsync(f, 1);

        Assert.Equal(0, f.Provider.Calls("properties", "db"));
        Assert.Equal(2, f.Provider.Calls("get", "db"));
        Assert.Equal(0, changes);
        Assert.Equal(Canary.Value, await f.ReadTextAsync("db"));
        Assert.Equal("1", Assert.Single(f.Audit.Records, r => r.Kind == SecretAccessKind.ChangeNotification).Version);
        Assert.All(f.Audit.Records, r => Canary.AssertAbsent(r.Version + r.SecretName + r.ErrorType));
    }

    [Fact]
    public async Task A_flood_of_notifications_for_one_secret_within_the_delay_coalesces_into_one_check()
    {
        await using var f = new ScriptedStoreFixture(options =>
        {
            options.ChangeNotificationMaxDelay = TimeSpan.FromSeconds(10);
            options.Randomizer = () => 0.5;
        });
        f.Provider.Set("db", "1");
        await f.ReadTextAsync("db");
        f.Provider.Set("db", "2");
        using var received = f.Collect("secrets.client.change_notifications.received");
        using var applied = f.Collect("secrets.client.change_notifications.applied");

        var outcomes = new List<SecretChangeNotificationOutcome>();
        for (var i = 0; i < 1000; i++)
        {
            outcomes.Add(await f.Store.ProcessChangeNotificationAsync(Note("db", "2")));
        }

        Assert.Equal(SecretChangeNotificationOutcome.Scheduled, outcomes[0]);
        Assert.All(outcomes.Skip(1), outcome => Assert.Equal(SecretChangeNotificationOutcome.Coalesced, outcome));
        f.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(1, f.Provider.Calls("get", "db"));

        f.Time.Advance(TimeSpan.FromSeconds(0.1));
        await ChecksDoneAsync(f, 1);
        Assert.Equal(0, f.Provider.Calls("properties", "db"));
        Assert.Equal(2, f.Provider.Calls("get", "db"));
        Assert.Equal("2", await f.ReadTextAsync("db"));
        Assert.Equal(1000, received.GetMeasurementSnapshot().Sum(m => m.Value));
        var check = Assert.Single(applied.GetMeasurementSnapshot());
        Assert.Equal(true, check.Tags["secrets.changed"]);
    }

    [Fact]
    public async Task The_delay_is_drawn_from_the_injected_random_source_within_the_bound()
    {
        await using var f = new ScriptedStoreFixture(options =>
        {
            options.ChangeNotificationMaxDelay = TimeSpan.FromSeconds(10);
            options.Randomizer = () => 0.3;
        });
        f.Provider.Set("db", "1");
        await f.ReadTextAsync("db");
        f.Provider.Set("db", "2");

        await f.Store.ProcessChangeNotificationAsync(Note("db"));
        f.Time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.Equal(0, f.Provider.Calls("properties"));
        f.Time.Advance(TimeSpan.FromSeconds(0.1));

        await ChecksDoneAsync(f, 1);
        Assert.Equal("2", await f.ReadTextAsync("db"));
    }

    [Fact]
    public async Task A_duplicate_of_the_version_already_held_needs_no_check_and_no_fetch()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "1");
        f.Provider.Set("db", "2");
        await f.ReadTextAsync("db");
        using var ignored = f.Collect("secrets.client.change_notifications.ignored");

        Assert.Equal(SecretChangeNotificationOutcome.Coalesced, await f.Store.ProcessChangeNotificationAsync(Note("db", "2")));
        Assert.Equal(SecretChangeNotificationOutcome.Coalesced, await f.Store.ProcessChangeNotificationAsync(Note("db", "2")));

        Assert.Equal(0, f.Provider.Calls("properties"));
        Assert.Equal(1, f.Provider.Calls("get", "db"));
        Assert.Equal(2, ignored.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task Out_of_order_notifications_never_take_the_value_back()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "v1");
        await f.ReadTextAsync("db");
        f.Provider.Set("db", "v2");
        f.Provider.Set("db", "v3");

        await f.Store.ProcessChangeNotificationAsync(Note("db", "3"));
        await ChecksDoneAsync(f, 1);
        Assert.Equal("v3", await f.ReadTextAsync("db"));

        // The older event arrives last: it names version 2, the store holds 3; the fetch it costs returns 3 again.
        var changes = 0;
        f.Store.SecretChanged += (_, _) => Interlocked.Increment(ref changes);
        Assert.Equal(SecretChangeNotificationOutcome.Scheduled, await f.Store.ProcessChangeNotificationAsync(Note("db", "2")));
        await ChecksDoneAsync(f, 2);
        Assert.Equal("v3", await f.ReadTextAsync("db"));
        Assert.Equal(0, changes);
        Assert.Equal(3, f.Provider.Calls("get", "db"));
        Assert.Equal(0, f.Provider.Calls("properties", "db"));
    }

    [Fact]
    public async Task A_notification_arriving_while_a_check_runs_gets_one_more_check_after_it()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "v1");
        await f.ReadTextAsync("db");
        var hold = f.Provider.HoldNext("properties", "db");

        await f.Store.ProcessChangeNotificationAsync(Note("db"));
        await hold.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        // The running check read the backend before this write: the event for it must not be folded into that check.
        f.Provider.Set("db", "v2");
        Assert.Equal(SecretChangeNotificationOutcome.Scheduled, await f.Store.ProcessChangeNotificationAsync(Note("db", "2")));
        Assert.Equal(SecretChangeNotificationOutcome.Coalesced, await f.Store.ProcessChangeNotificationAsync(Note("db", "2")));
        hold.Release();

        await ChecksDoneAsync(f, 2);
        Assert.Equal("v2", await f.ReadTextAsync("db"));
        // The first check (no version named) asked for the version; the second, naming version 2, fetched directly.
        Assert.Equal(1, f.Provider.Calls("properties", "db"));
        Assert.Equal(2, f.Provider.Calls("get", "db"));
    }

    [Fact]
    public async Task A_lost_notification_is_caught_by_the_safety_net_refresh()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "v1");
        await f.ReadTextAsync("db");
        f.Provider.Set("db", "v2"); // its event was lost

        await f.Store.RefreshAsync();
        Assert.Equal("v1", await f.ReadTextAsync("db"));
        f.Time.Advance(TimeSpan.FromMinutes(5));
        await f.Store.RefreshAsync();

        Assert.Equal("v2", await f.ReadTextAsync("db"));
    }

    [Fact]
    public async Task Every_spelling_of_the_secret_and_every_field_of_it_is_checked_but_a_pinned_version_is_not()
    {
        await using var f = new ScriptedStoreFixture();
        const string arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
        f.Provider.Set(arn, "{\"user\":\"a\",\"password\":\"1\"}");
        await f.Store.GetSecretAsync(SecretReference.Parse("fake://" + arn + "#user"));
        await f.Store.GetSecretAsync(SecretReference.Parse("fake://" + arn + "#password"));
        f.Provider.Set(arn, "{\"user\":\"a\",\"password\":\"2\"}");

        var note = new SecretChangeNotification("FAKE", "db") { Aliases = [arn[..^7], arn], Source = "test" };
        Assert.Equal(SecretChangeNotificationOutcome.Scheduled, await f.Store.ProcessChangeNotificationAsync(note));
        await ChecksDoneAsync(f, 1);

        var password = await f.Store.GetSecretAsync(SecretReference.Parse("fake://" + arn + "#password"));
        Assert.Equal("2", password.Value.ExposeAsString());
        Assert.Equal(1, f.Provider.Calls("properties"));
    }

    [Fact]
    public async Task A_failed_check_keeps_the_last_good_value_and_is_audited_as_failed()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", Canary.Value);
        await f.ReadTextAsync("db");
        f.Provider.Fault = (_, name) => new SecretUnavailableException("fake", name, "Down.");

        await f.Store.ProcessChangeNotificationAsync(Note("db"));
        await ChecksDoneAsync(f, 1);

        Assert.Equal(SecretAuditOutcome.Unavailable, Assert.Single(f.Audit.Records, r => r.Kind == SecretAccessKind.ChangeNotification).Outcome);
        f.Provider.Fault = null;
        Assert.Equal(Canary.Value, await f.ReadTextAsync("db"));
    }

    [Fact]
    public async Task Disposing_the_store_drops_pending_checks_without_calls()
    {
        var f = new ScriptedStoreFixture(options => options.ChangeNotificationMaxDelay = TimeSpan.FromMinutes(1));
        f.Provider.Set("db", "1");
        await f.ReadTextAsync("db");
        await f.Store.ProcessChangeNotificationAsync(Note("db"));

        await f.DisposeAsync();
        f.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, f.Provider.Calls("properties"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => f.Store.ProcessChangeNotificationAsync(Note("db")).AsTask());
    }

    [Fact]
    public async Task A_store_that_does_not_cache_answers_not_held_through_the_interface_default()
    {
        ISecretStore store = new NonCachingStore();
        Assert.Equal(SecretChangeNotificationOutcome.NotHeld, await store.ProcessChangeNotificationAsync(Note("db")));
    }

    [Fact]
    public void A_negative_delay_bound_is_refused_naming_the_option()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new SecretStore([], new SecretStoreOptions { ChangeNotificationMaxDelay = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("ChangeNotificationMaxDelay", error.Message, StringComparison.Ordinal);
    }

    private sealed class NonCachingStore : ISecretStore
    {
        public ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<SecretProperties> GetSecretPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? provider, string? prefix = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}

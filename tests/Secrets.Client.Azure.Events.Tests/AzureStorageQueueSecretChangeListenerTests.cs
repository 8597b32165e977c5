using Microsoft.Extensions.Logging;
using Azure.Storage.Queues;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Azure.Events.Tests;

/// <summary>The Storage-queue listener against Azurite, fed by the Key Vault emulator as an Event Grid subscription would be.</summary>
public sealed class AzureStorageQueueSecretChangeListenerTests : IAsyncLifetime
{
    private const string Path = "main/db-password";
    private const string Reference = "azure-kv://main/db-password";
    private AzuriteProcess _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task A_new_version_written_at_the_vault_reaches_the_store_through_the_queue_and_the_message_is_deleted()
    {
        var (queue, addUri) = await EventsHarness.CreateQueueAsync(_azurite);
        await using var harness = await EventsHarness.StartAsync([new KeyVaultEventSink(addUri, KeyVaultEventSinkKind.StorageQueue)]);
        harness.Emulator.SetSecret("db-password", "canary-az-q-1");
        var first = await harness.Store.GetSecretAsync(Reference);
        using var listener = Listener(harness, queue.Name);
        await listener.StartAsync(CancellationToken.None);

        var changed = harness.NextChangeAsync(Path, first.Properties.Version);
        var written = harness.Emulator.SetSecret("db-password", "canary-az-q-2");
        var change = await changed.WaitAsync(TimeSpan.FromSeconds(30));
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal(written, change.Properties.Version);
        Assert.Equal("canary-az-q-2", (await harness.Store.GetSecretAsync(Reference)).Value.ExposeAsString());
        Assert.Null((await queue.PeekMessageAsync()).Value);
        var snapshot = listener.Status;
        Assert.True(snapshot.Applied >= 1);
        Assert.DoesNotContain(harness.LogTexts(), text => text.Contains("canary-az-q", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_messages_are_deleted_and_counted_and_the_next_good_one_is_applied()
    {
        var (queue, addUri) = await EventsHarness.CreateQueueAsync(_azurite);
        await using var harness = await EventsHarness.StartAsync([new KeyVaultEventSink(addUri, KeyVaultEventSinkKind.StorageQueue, CloudEvents: true)]);
        harness.Emulator.SetSecret("db-password", "canary-az-m-1");
        var first = await harness.Store.GetSecretAsync(Reference);
        await queue.SendMessageAsync("{not json");
        await queue.SendMessageAsync("""{"id":"1","eventType":"Microsoft.KeyVault.SecretNewVersionCreated"}""");
        using var listener = Listener(harness, queue.Name);
        await listener.StartAsync(CancellationToken.None);

        var changed = harness.NextChangeAsync(Path, first.Properties.Version);
        harness.Emulator.SetSecret("db-password", "canary-az-m-2");
        await changed.WaitAsync(TimeSpan.FromSeconds(30));
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal(2, harness.LogTexts().Count(text => text.StartsWith("Deleted malformed message", StringComparison.Ordinal)));
        Assert.True(listener.Status.Ignored >= 2, "malformed messages count as ignored");
        Assert.Null((await queue.PeekMessageAsync()).Value);
        Assert.Contains(harness.LogTexts(), text => text.Contains("not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Duplicates_and_a_flood_for_one_secret_coalesce_into_one_check_and_secrets_not_held_cost_nothing()
    {
        var (queue, _) = await EventsHarness.CreateQueueAsync(_azurite);
        await using var harness = await EventsHarness.StartAsync([]);
        harness.Emulator.SetSecret("db-password", "canary-az-f-1");
        var first = await harness.Store.GetSecretAsync(Reference);
        var version = harness.Emulator.SetSecret("db-password", "canary-az-f-2");
        var before = harness.Emulator.Counters.Requests;
        // The same event 40 times (duplicates and a flood), plus events for a secret the store does not hold.
        for (var i = 0; i < 40; i++)
        {
            await queue.SendMessageAsync(Event("db-password", version));
        }

        for (var i = 0; i < 5; i++)
        {
            await queue.SendMessageAsync(Event("not-held", "0123456789abcdef0123456789abcdef"));
        }

        var changed = harness.NextChangeAsync(Path, first.Properties.Version);
        using var listener = Listener(harness, queue.Name);
        var handled = 0;
        while (handled < 45)
        {
            handled += await listener.ReceiveOnceAsync(CancellationToken.None);
        }

        await changed.WaitAsync(TimeSpan.FromSeconds(30));
        var snapshot = listener.Status;
        Assert.Equal(45, snapshot.Received);
        // 40 events coalesce: one check runs and at most one more is queued behind it (the running one may have read
        // before the change), so a burst costs a handful of checks however long it is; never one per event.
        // The 5 for a secret not held cost nothing.
        Assert.InRange(snapshot.Applied, 1, 4);
        Assert.Equal(45, snapshot.Applied + snapshot.Ignored);
        Assert.InRange(harness.Emulator.Counters.Requests - before, 1, 3 * snapshot.Applied);
        Assert.Equal("canary-az-f-2", (await harness.Store.GetSecretAsync(Reference)).Value.ExposeAsString());
    }

    [Fact]
    public async Task An_out_of_order_event_for_an_older_version_and_a_forged_version_never_move_the_value_back()
    {
        var (queue, _) = await EventsHarness.CreateQueueAsync(_azurite);
        await using var harness = await EventsHarness.StartAsync([]);
        var old = harness.Emulator.SetSecret("db-password", "canary-az-o-1");
        var current = harness.Emulator.SetSecret("db-password", "canary-az-o-2");
        Assert.Equal(current, (await harness.Store.GetSecretAsync(Reference)).Properties.Version);
        await queue.SendMessageAsync(Event("db-password", old));
        await queue.SendMessageAsync(Event("db-password", "ffffffffffffffffffffffffffffffff"));
        using var listener = Listener(harness, queue.Name);

        Assert.Equal(2, await listener.ReceiveOnceAsync(CancellationToken.None));
        await harness.Store.RefreshAsync();

        var secret = await harness.Store.GetSecretAsync(Reference);
        Assert.Equal(current, secret.Properties.Version);
        Assert.Equal("canary-az-o-2", secret.Value.ExposeAsString());
    }

    [Fact]
    public async Task Near_expiry_is_logged_and_ignored_and_expired_of_the_held_version_needs_no_check()
    {
        var (queue, addUri) = await EventsHarness.CreateQueueAsync(_azurite);
        await using var harness = await EventsHarness.StartAsync([new KeyVaultEventSink(addUri, KeyVaultEventSinkKind.StorageQueue, CloudEvents: true)]);
        harness.Emulator.SetSecret("db-password", "canary-az-e-1", expiresOn: DateTimeOffset.UtcNow.AddDays(20));
        var first = await harness.Store.GetSecretAsync(Reference);
        using var listener = Listener(harness, queue.Name);
        await ReceiveAtLeastAsync(listener, 1); // the version's own SecretNewVersionCreated, delivered in the background

        harness.Emulator.PublishEvent(KeyVaultEventTypes.SecretNearExpiry, "db-password");
        await ReceiveAtLeastAsync(listener, 1);
        var ignored = listener.Status.Ignored;
        harness.Emulator.PublishEvent(KeyVaultEventTypes.SecretExpired, "db-password");
        await ReceiveAtLeastAsync(listener, 1);

        Assert.Contains(harness.LogTexts(), text => text.Contains("expires soon", StringComparison.Ordinal));
        Assert.Equal(2, ignored); // the first event (version already held) and the near-expiry
        // SecretExpired names the version the store holds: nothing changed, so no check is needed either.
        Assert.Equal(3, listener.Status.Ignored);
        Assert.Equal(first.Properties.Version, (await harness.Store.GetSecretAsync(Reference)).Properties.Version);
    }

    [Fact]
    public async Task A_lost_event_leaves_the_value_to_the_safety_net_poll_which_catches_it()
    {
        var (queue, addUri) = await EventsHarness.CreateQueueAsync(_azurite);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await EventsHarness.StartAsync([new KeyVaultEventSink(addUri, KeyVaultEventSinkKind.StorageQueue)], new SecretStoreOptions { CacheDuration = TimeSpan.FromHours(6) }, time);
        harness.Emulator.DropNextEvents(2);
        harness.Emulator.SetSecret("db-password", "canary-az-l-1");
        await harness.Store.GetSecretAsync(Reference);
        var written = harness.Emulator.SetSecret("db-password", "canary-az-l-2");
        using var listener = Listener(harness, queue.Name);

        Assert.Equal(0, await listener.ReceiveOnceAsync(CancellationToken.None));
        Assert.Equal(0, await harness.Store.RefreshAsync());
        time.Advance(TimeSpan.FromHours(6));
        Assert.Equal(1, await harness.Store.RefreshAsync());

        var secret = await harness.Store.GetSecretAsync(Reference);
        Assert.Equal(written, secret.Properties.Version);
        Assert.Equal("canary-az-l-2", secret.Value.ExposeAsString());
        Assert.Equal(2, harness.Emulator.EventsPublished);
    }

    [Fact]
    public async Task A_queue_down_for_minutes_backs_off_reports_degraded_and_recovers_with_the_events_it_kept()
    {
        var port = FreePort();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await EventsHarness.StartAsync([]);
        var options = new AzureStorageQueueListenerOptions
        {
            ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteProcess.DevAccountKey};QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;",
            QueueName = "secrets-down",
            ClientOptions = NoRetries(),
            PollInterval = TimeSpan.FromSeconds(10),
            TimeProvider = time,
        };
        using var listener = new AzureStorageQueueSecretChangeListener(harness.Store, options);
        await listener.StartAsync(CancellationToken.None);

        // Ten minutes of simulated time with nothing listening: each fault backs off, 1 s doubling up to 2 min.
        await listener.WaitForStatusAsync(s => s.ConsecutiveFailures >= 1, Timeout());
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromMinutes(10); elapsed += TimeSpan.FromSeconds(5))
        {
            var seen = listener.Status.ConsecutiveFailures;
            time.Advance(TimeSpan.FromSeconds(5));
            // Let the attempt the advance released (if any) fail before the next step; a gate, not a sleep.
            await listener.WaitForStatusAsync(s => s.ConsecutiveFailures > seen, new CancellationTokenSource(TimeSpan.FromMilliseconds(250)).Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        var down = listener.Status.ConsecutiveFailures;
        Assert.InRange(down, 6, 20);
        // Ten minutes down is past the default UnhealthyAfter (5 minutes): rotations have waited on the safety net that long.
        Assert.Equal(HealthStatus.Unhealthy, await HealthAsync(listener));

        // The queue comes back (Azurite on the same port) holding an event written while it was down.
        await using var azurite = await AzuriteProcess.StartAsync(port);
        var queue = new QueueClient(azurite.ConnectionString, "secrets-down", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateAsync();
        var version = harness.Emulator.SetSecret("db-password", "canary-az-d-1");
        await queue.SendMessageAsync(Event("db-password", version));
        time.Advance(TimeSpan.FromMinutes(2));
        await listener.WaitForStatusAsync(s => s.Received == 1, Timeout());

        Assert.Equal(HealthStatus.Healthy, await HealthAsync(listener));
        Assert.Equal(0, listener.Status.ConsecutiveFailures);
        await listener.StopAsync(CancellationToken.None);
        Assert.Null((await queue.PeekMessageAsync()).Value);
    }

    internal static string Event(string name, string version) => $$"""
        {"id":"{{Guid.NewGuid()}}","topic":"/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/main","subject":"{{name}}",
         "eventType":"Microsoft.KeyVault.SecretNewVersionCreated","eventTime":"{{DateTimeOffset.UtcNow:O}}","dataVersion":"1","metadataVersion":"1",
         "data":{"Id":"https://main.vault.azure.net/secrets/{{name}}/{{version}}","VaultName":"main","ObjectType":"Secret","ObjectName":"{{name}}","Version":"{{version}}","NBF":null,"EXP":null} }
        """;

    private static QueueClientOptions NoRetries()
    {
        var options = new QueueClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>Receives until <paramref name="count"/> messages were handled (the emulator delivers in the background); bounded.</summary>
    private static async Task ReceiveAtLeastAsync(AzureStorageQueueSecretChangeListener listener, int count)
    {
        var handled = 0;
        for (var attempt = 0; handled < count && attempt < 5000; attempt++)
        {
            handled += await listener.ReceiveOnceAsync(CancellationToken.None);
        }

        Assert.True(handled >= count, "the event never reached the queue");
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private AzureStorageQueueSecretChangeListener Listener(EventsHarness harness, string queueName) =>
        new(harness.Store, new AzureStorageQueueListenerOptions
        {
            ConnectionString = _azurite.ConnectionString,
            QueueName = queueName,
            ClientOptions = NoRetries(),
            PollInterval = TimeSpan.FromMilliseconds(50),
        }, harness.LoggerFactory);

    private static async Task<HealthStatus> HealthAsync(SecretChangeListener listener)
        => (await new SecretChangeListenerHealthCheck([listener]).CheckHealthAsync(new HealthCheckContext())).Status;
}

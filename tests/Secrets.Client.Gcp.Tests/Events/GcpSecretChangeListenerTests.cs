using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Gcp.Tests.Events;

public class GcpSecretChangeListenerTests
{
    private const string Canary = "CANARY-gcp-events-8d1e2f-do-not-log";
    private const string Rotated = "CANARY-gcp-events-rotated-4a7c9b";

    private static SecretReference Ref(string path) => new("gcp-sm", path);

    private static Task<SecretChangedEventArgs> NextChangeAsync(SecretStore store, string path)
    {
        var changed = new TaskCompletionSource<SecretChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.SecretChanged += (_, args) =>
        {
            if (args.Reference.Path == path)
            {
                changed.TrySetResult(args);
            }
        };
        return changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_version_added_at_the_backend_reaches_the_store_through_its_Pub_Sub_notification()
    {
        await using var f = await GcpEventsFixture.StartAsync();
        f.SecretManager.AddVersion("db", Canary);
        var reference = Ref(f.SecretManager.ProjectId + "/db");
        await f.Store.GetSecretAsync(reference);
        var listener = await f.StartListenerAsync();
        var changed = NextChangeAsync(f.Store, reference.Path);

        f.SecretManager.AddVersion("db", Rotated);

        Assert.Equal(SecretChangeKind.Updated, (await changed).Kind);
        Assert.Equal(Rotated, (await f.Store.GetSecretAsync(reference)).Value.ExposeAsString());
        await Eventually.TrueAsync(() => f.PubSub.CountMessages(listener.SubscriptionName) == (0, 0), "the notification was acknowledged");
        Assert.Equal(1, listener.Status.Applied);
        Assert.Equal("2", Assert.Single(f.Audit.Records, r => r.Kind == SecretAccessKind.ChangeNotification).Version);
    }

    [Fact]
    public async Task A_notification_naming_the_project_number_matches_references_by_project_id_and_without_project()
    {
        await using var f = await GcpEventsFixture.StartAsync();
        f.SecretManager.AddVersion("api", "v1");
        await f.Store.GetSecretAsync(Ref(f.SecretManager.ProjectId + "/api"));
        await f.Store.GetSecretAsync(Ref("api"));
        var listener = await f.StartListenerAsync(o => (o.ProjectId, o.ProjectNumber) = (f.SecretManager.ProjectId, "123456789"));
        f.SecretManager.AddVersion("api", "v2");
        f.SecretManager.Traffic.Reset();

        f.PubSub.Publish(GcpEventsFixture.TopicId, "{}", new Dictionary<string, string> { ["eventType"] = "SECRET_VERSION_ADD", ["secretId"] = "projects/123456789/secrets/api", ["versionId"] = "projects/123456789/secrets/api/versions/2" });

        await f.ChecksAuditedAsync(2);
        Assert.Equal("v2", (await f.Store.GetSecretAsync(Ref(f.SecretManager.ProjectId + "/api"))).Value.ExposeAsString());
        Assert.Equal("v2", (await f.Store.GetSecretAsync(Ref("api"))).Value.ExposeAsString());
        Assert.True(listener.Status.Applied >= 1);
    }

    [Fact]
    public async Task Events_for_secrets_not_held_malformed_and_non_changing_ones_cost_no_backend_call_and_are_acknowledged()
    {
        await using var f = await GcpEventsFixture.StartAsync();
        f.SecretManager.AddVersion("db", "v1");
        await f.Store.GetSecretAsync(Ref("db"));
        var listener = await f.StartListenerAsync();
        f.SecretManager.Traffic.Reset();

        f.SecretManager.AddVersion("other", "v1"); // SECRET_VERSION_ADD for a secret not held
        f.PubSub.Publish(GcpEventsFixture.TopicId, "x", new Dictionary<string, string> { ["eventType"] = "TOPIC_CONFIGURED" });
        f.PubSub.Publish(GcpEventsFixture.TopicId, "x", new Dictionary<string, string> { ["eventType"] = "SECRET_ROTATE", ["secretId"] = $"projects/{f.SecretManager.ProjectId}/secrets/db" });
        f.PubSub.Publish(GcpEventsFixture.TopicId, "x", new Dictionary<string, string> { ["eventType"] = "SECRET_VERSION_ADD", ["secretId"] = "db" });
        f.PubSub.Publish(GcpEventsFixture.TopicId, "not json at all");

        await Eventually.TrueAsync(() => listener.Status.Ignored == 5, "every event was ignored"); // SECRET_VERSION_ADD of the secret not held, and four more
        await Eventually.TrueAsync(() => f.PubSub.CountMessages(listener.SubscriptionName) == (0, 0), "ignored events were acknowledged too");
        Assert.Equal(0, listener.Status.Applied);
        Assert.Equal(0, f.SecretManager.Traffic.Requests);
    }

    [Fact]
    public async Task A_forged_notification_naming_a_version_costs_one_fetch_and_never_a_change()
    {
        await using var f = await GcpEventsFixture.StartAsync();
        f.SecretManager.AddVersion("db", Canary);
        await f.Store.GetSecretAsync(Ref("db"));
        await f.StartListenerAsync();
        f.SecretManager.Traffic.Reset();
        var changes = 0;
        f.Store.SecretChanged += (_, _) => Interlocked.Increment(ref changes);

        f.PubSub.Publish(GcpEventsFixture.TopicId, "{\"name\":\"forged\"}", new Dictionary<string, string> { ["eventType"] = "SECRET_VERSION_ADD", ["secretId"] = $"projects/{f.SecretManager.ProjectId}/secrets/db", ["versionId"] = $"projects/{f.SecretManager.ProjectId}/secrets/db/versions/7" });
        await f.ChecksAuditedAsync(1);

        // Version 7 is not the held one: the store fetches at once (no version check), and the backend serves version 1 again.
        Assert.Equal(1, f.SecretManager.Traffic.Requests);
        Assert.Equal(1, f.SecretManager.Counters.Accesses);
        Assert.Equal(0, changes);
        Assert.Equal(Canary, (await f.Store.GetSecretAsync(Ref("db"))).Value.ExposeAsString());
    }

    [Fact]
    public async Task Stopping_deletes_the_instance_subscription_and_a_dead_instance_s_one_expires()
    {
        var pubSubTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var f = await GcpEventsFixture.StartAsync(new PubSubEmulatorOptions { TimeProvider = pubSubTime });
        var stopped = await f.StartListenerAsync(instanceId: "stopped");
        var dead = await f.StartListenerAsync(instanceId: "dead");

        await stopped.StopAsync(CancellationToken.None);
        Assert.DoesNotContain(stopped.SubscriptionName, f.PubSub.SubscriptionNames);

        // A crash: the listener ends without its stop (no cleanup); Pub/Sub's expiration policy removes what it left.
        f.Listeners.Remove(dead);
        dead.Dispose();
        Assert.Contains(dead.SubscriptionName, f.PubSub.SubscriptionNames);
        pubSubTime.Advance(TimeSpan.FromDays(1));
        Assert.DoesNotContain(dead.SubscriptionName, f.PubSub.SubscriptionNames);
    }

    [Fact]
    public async Task A_transport_down_for_minutes_turns_unhealthy_then_recovers_and_delivers_what_was_published_meanwhile()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var f = await GcpEventsFixture.StartAsync();
        f.SecretManager.AddVersion("db", "v1");
        await f.Store.GetSecretAsync(Ref("db"));
        var listener = f.CreateListener(time: time);
        await listener.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => f.PubSub.SubscriptionNames.Contains(listener.SubscriptionName), "the subscription exists");
        var health = new SecretChangeListenerHealthCheck([listener]);
        var changed = NextChangeAsync(f.Store, "db");

        f.PubSub.Faults.FailNext(int.MaxValue);
        await Eventually.TrueAsync(() => listener.Status.ConsecutiveFailures >= 1, "the transport failed");
        f.SecretManager.AddVersion("db", "v2");
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        for (var minute = 1; minute <= 6; minute++)
        {
            var failures = listener.Status.ConsecutiveFailures;
            time.Advance(TimeSpan.FromMinutes(1));
            await Eventually.TrueAsync(() => listener.Status.ConsecutiveFailures > failures, $"it retried after minute {minute}");
        }

        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.False(changed.IsCompleted);

        f.PubSub.Faults.Reset();
        time.Advance(TimeSpan.FromMinutes(1));

        await changed;
        Assert.Equal("v2", (await f.Store.GetSecretAsync(Ref("db"))).Value.ExposeAsString());

        // The change can land before the listener ends the round that delivered it and records the success.
        await Eventually.TrueAsync(() => listener.Status.FailingSince is null, "the listener recorded its recovery");
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
    }
}

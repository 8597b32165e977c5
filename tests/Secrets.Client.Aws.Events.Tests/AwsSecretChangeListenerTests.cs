using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Aws.Events.Tests;

public class AwsSecretChangeListenerTests
{
    private const string Canary = "CANARY-aws-events-3f9a1c-do-not-log";
    private const string Rotated = "CANARY-aws-events-rotated-77b2e0";

    private static SecretReference Ref(string path) => new("aws-sm", path);

    private static string ForgedEvent(string secretId, string account = "123456789012", string eventName = "PutSecretValue") =>
        $$$"""
        {"version":"0","id":"{{{Guid.NewGuid()}}}","detail-type":"AWS API Call via CloudTrail","source":"aws.secretsmanager","account":"{{{account}}}",
         "time":"2026-12-02T10:00:00Z","region":"us-east-1","resources":[],
         "detail":{"eventVersion":"1.08","eventTime":"2026-12-02T10:00:00Z","eventSource":"secretsmanager.amazonaws.com","eventName":"{{{eventName}}}",
                   "awsRegion":"us-east-1","requestParameters":{"secretId":"{{{secretId}}}"},"responseElements":null,"eventType":"AwsApiCall"}}
        """;

    [Fact]
    public async Task A_value_put_at_the_backend_reaches_the_store_through_EventBridge_SNS_and_the_instance_queue()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        f.SecretsManager.CreateSecret("app/db", Canary);
        Assert.Equal(Canary, (await f.Store.GetSecretAsync(Ref("app/db"))).Value.ExposeAsString());
        var listener = await f.StartListenerAsync();
        var changed = Changed.NextAsync(f.Store, "app/db");

        f.SecretsManager.PutSecretValue("app/db", Rotated);

        Assert.Equal(SecretChangeKind.Updated, (await changed).Kind);
        Assert.Equal(Rotated, (await f.Store.GetSecretAsync(Ref("app/db"))).Value.ExposeAsString());
        await Eventually.TrueAsync(() => f.Sqs.CountMessages(listener.QueueUrl!) == (0, 0), "the event was deleted after processing");
        Assert.Equal(1, listener.Status.Applied);
        var audited = Assert.Single(f.Audit.Records, r => r.Kind == SecretAccessKind.ChangeNotification);
        Assert.Equal("app/db", audited.SecretName);
        Assert.All(f.Audit.Records, r => Assert.DoesNotContain("CANARY", r.SecretName + r.Version + r.ErrorType, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_secret_referenced_by_its_full_or_partial_ARN_matches_an_event_that_names_it()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        var arn = f.SecretsManager.CreateSecret("app/api", "v1");
        var partial = arn[..^7];
        await f.Store.GetSecretAsync(Ref(arn));
        await f.Store.GetSecretAsync(Ref(partial));
        await f.StartListenerAsync();
        var byArn = Changed.NextAsync(f.Store, arn);
        var byPartial = Changed.NextAsync(f.Store, partial);

        f.SecretsManager.PutSecretValue("app/api", "v2");

        await byArn;
        await byPartial;
        Assert.Equal("v2", (await f.Store.GetSecretAsync(Ref(arn))).Value.ExposeAsString());
        Assert.Equal("v2", (await f.Store.GetSecretAsync(Ref(partial))).Value.ExposeAsString());
    }

    [Fact]
    public async Task Events_for_secrets_not_held_malformed_and_foreign_events_cost_no_backend_call_and_are_deleted()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        f.SecretsManager.CreateSecret("app/db", "v1");
        f.SecretsManager.CreateSecret("app/other", "v1");
        await f.Store.GetSecretAsync(Ref("app/db"));
        var listener = await f.StartListenerAsync(o => o.ExpectedAccountId = "123456789012");
        f.SecretsManager.ResetRequestCounts();

        f.SecretsManager.PutSecretValue("app/other", "v2");
        f.Sqs.SendMessage(listener.QueueUrl!, "{not json");
        f.Sqs.SendMessage(listener.QueueUrl!, "{\"detail\":{}}");
        f.Sqs.SendMessage(listener.QueueUrl!, ForgedEvent("app/db", account: "999999999999"));
        f.Sqs.SendMessage(listener.QueueUrl!, ForgedEvent("app/db", eventName: "GetSecretValue"));

        await Eventually.TrueAsync(() => listener.Status.Ignored == 5, "five events were ignored");
        await Eventually.TrueAsync(() => f.Sqs.CountMessages(listener.QueueUrl!) == (0, 0), "ignored events were deleted too");
        Assert.Equal(0, listener.Status.Applied);
        Assert.Equal(0, f.SecretsManager.GetRequestCount("DescribeSecret"));
        Assert.Equal(0, f.SecretsManager.GetRequestCount("GetSecretValue"));
    }

    [Fact]
    public async Task A_forged_event_costs_one_version_check_and_no_fetch()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        f.SecretsManager.CreateSecret("app/db", Canary);
        await f.Store.GetSecretAsync(Ref("app/db"));
        var listener = await f.StartListenerAsync(o => o.ExpectedAccountId = "123456789012");
        f.SecretsManager.ResetRequestCounts();
        var changes = 0;
        f.Store.SecretChanged += (_, _) => Interlocked.Increment(ref changes);

        f.Sqs.SendMessage(listener.QueueUrl!, ForgedEvent("app/db"));
        await f.ChecksAuditedAsync(1);

        Assert.Equal(1, f.SecretsManager.GetRequestCount("DescribeSecret"));
        Assert.Equal(0, f.SecretsManager.GetRequestCount("GetSecretValue"));
        Assert.Equal(0, changes);
        Assert.Equal(Canary, (await f.Store.GetSecretAsync(Ref("app/db"))).Value.ExposeAsString());
    }

    internal static string StageMoveEvent(string secretId, string arn, string toVersion, string eventTime) =>
        $$$"""
        {"version":"0","id":"{{{Guid.NewGuid()}}}","detail-type":"AWS API Call via CloudTrail","source":"aws.secretsmanager","account":"123456789012",
         "time":"{{{eventTime}}}","region":"us-east-1","resources":[],
         "detail":{"eventTime":"{{{eventTime}}}","eventSource":"secretsmanager.amazonaws.com","eventName":"UpdateSecretVersionStage","awsRegion":"us-east-1",
                   "requestParameters":{"secretId":"{{{secretId}}}","versionStage":"AWSCURRENT","moveToVersionId":"{{{toVersion}}}"},
                   "responseElements":{"arn":"{{{arn}}}","name":"app/db"},"eventType":"AwsApiCall"}}
        """;

    internal static string RotationSucceededEvent(string arn, string eventTime) =>
        $$$"""
        {"version":"0","id":"{{{Guid.NewGuid()}}}","detail-type":"AWS Service Event via CloudTrail","source":"aws.secretsmanager","account":"123456789012",
         "time":"{{{eventTime}}}","region":"us-east-1","resources":["{{{arn}}}"],
         "detail":{"eventTime":"{{{eventTime}}}","eventSource":"secretsmanager.amazonaws.com","eventName":"RotationSucceeded","awsRegion":"us-east-1",
                   "requestParameters":null,"responseElements":null,"additionalEventData":{"SecretId":"{{{arn}}}"},"eventType":"AwsServiceEvent"}}
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RotationSucceeded_after_the_stage_move_it_ends_costs_no_check_and_is_still_the_second_signal_when_the_move_was_lost(bool moveDelivered)
    {
        await using var f = await AwsEventsFixture.StartAsync();
        var arn = f.SecretsManager.CreateSecret("app/db", Canary);
        await f.Store.GetSecretAsync(Ref("app/db"));
        f.SecretsManager.PutSecretValue("app/db", Rotated); // made current before the listener's queue exists: only the messages below tell it
        var current = f.SecretsManager.GetVersionId("app/db")!;
        // A lost move with no confirmation window (the window on a fake clock: AwsSecretChangeListenerRotationConfirmationTests).
        var listener = await f.StartListenerAsync(o => o.RotationConfirmationDelay = moveDelivered ? o.RotationConfirmationDelay : TimeSpan.Zero);
        f.SecretsManager.ResetRequestCounts();
        var changed = Changed.NextAsync(f.Store, "app/db");

        if (moveDelivered)
        {
            // As a rotation function's finishSecret step records it: the full ARN from the rotation's request.
            f.Sqs.SendMessage(listener.QueueUrl!, StageMoveEvent(arn, arn, current, "2026-12-02T10:00:07Z"));
        }

        f.Sqs.SendMessage(listener.QueueUrl!, RotationSucceededEvent(arn, "2026-12-02T10:00:08Z"));
        await changed;
        var expected = moveDelivered ? 2 : 1;
        await Eventually.TrueAsync(() => listener.Status.Received == expected && listener.Status.Applied + listener.Status.Ignored == expected, "every event was handed over");

        Assert.Equal(Rotated, (await f.Store.GetSecretAsync(Ref("app/db"))).Value.ExposeAsString());
        Assert.Equal(1, f.SecretsManager.GetRequestCount("GetSecretValue"));
        Assert.Equal(moveDelivered ? 0 : 1, f.SecretsManager.GetRequestCount("DescribeSecret"));
        Assert.Equal(moveDelivered ? 1 : 0, listener.Status.Ignored);
    }

    [Fact]
    public async Task A_flood_of_duplicate_events_for_one_secret_fetches_the_new_value_once()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        f.SecretsManager.CreateSecret("app/db", "v1");
        await f.Store.GetSecretAsync(Ref("app/db"));
        var listener = await f.StartListenerAsync();
        f.SecretsManager.ResetRequestCounts();
        var changes = 0;
        f.Store.SecretChanged += (_, _) => Interlocked.Increment(ref changes);

        f.SecretsManager.PutSecretValue("app/db", "v2");
        for (var i = 0; i < 40; i++)
        {
            f.Sqs.SendMessage(listener.QueueUrl!, ForgedEvent("app/db"));
        }

        await Eventually.TrueAsync(() => listener.Status.Received >= 41, "every event was received");
        await Eventually.TrueAsync(() => Volatile.Read(ref changes) == 1, "the change landed");
        await Eventually.TrueAsync(() => listener.Status.Applied + listener.Status.Ignored == listener.Status.Received, "every event was handed over");
        Assert.Equal("v2", (await f.Store.GetSecretAsync(Ref("app/db"))).Value.ExposeAsString());
        Assert.Equal(1, f.SecretsManager.GetRequestCount("GetSecretValue"));
        // The real event names the new version (fetched without a check); the 40 forged ones name none: at most a check each.
        Assert.InRange(f.SecretsManager.GetRequestCount("DescribeSecret"), 0, 40);
        Assert.True(listener.Status.Ignored > 0, "duplicates coalesced");
        Assert.Equal(1, changes);
    }

    [Fact]
    public async Task A_transport_down_for_minutes_backs_off_turns_unhealthy_then_recovers_and_delivers_what_was_queued()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var f = await AwsEventsFixture.StartAsync();
        f.SecretsManager.CreateSecret("app/db", "v1");
        await f.Store.GetSecretAsync(Ref("app/db"));
        var listener = f.CreateListener(time: time);
        await listener.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => listener.Status.Connected, "the listener completed a receive");
        var health = new SecretChangeListenerHealthCheck([listener]);
        var changed = Changed.NextAsync(f.Store, "app/db");

        f.Sqs.Faults.FailNext(int.MaxValue);
        await Eventually.TrueAsync(() => listener.Status.ConsecutiveFailures >= 1, "the transport failed");
        f.SecretsManager.PutSecretValue("app/db", "v2"); // lands in the durable queue while the listener cannot read it
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync(new HealthCheckContext())).Status);

        for (var minute = 1; minute <= 6; minute++)
        {
            var failures = listener.Status.ConsecutiveFailures;
            time.Advance(TimeSpan.FromMinutes(1));
            await Eventually.TrueAsync(() => listener.Status.ConsecutiveFailures > failures, $"it retried after minute {minute}");
        }

        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.False(changed.IsCompleted);
        Assert.InRange(listener.Status.ConsecutiveFailures, 7, 8); // backoff capped at a minute: about one retry per minute, not a tight loop

        f.Sqs.Faults.Reset();
        time.Advance(TimeSpan.FromMinutes(1));

        await changed;
        Assert.Equal("v2", (await f.Store.GetSecretAsync(Ref("app/db"))).Value.ExposeAsString());
        await Eventually.TrueAsync(() => listener.Status.Connected, "the listener reconnected");
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
    }

    [Fact]
    public async Task A_secret_deleted_at_the_backend_is_removed_from_the_store_and_wiped()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        f.SecretsManager.CreateSecret("app/old", Canary);
        var held = await f.Store.GetSecretAsync(Ref("app/old"));
        await f.StartListenerAsync();
        var changed = Changed.NextAsync(f.Store, "app/old");

        f.SecretsManager.DeleteSecret("app/old");

        Assert.Equal(SecretChangeKind.Removed, (await changed).Kind);
        Assert.Equal(0, f.Store.CachedCount);
        await Eventually.TrueAsync(() => held.Value.IsWiped, "the removed value was wiped");
    }

    [Fact]
    public async Task Stopping_unsubscribes_and_deletes_the_instance_queue()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        var listener = await f.StartListenerAsync(instanceId: "i-stop");
        Assert.Contains("secrets-client-i-stop", f.Sqs.QueueNames);
        Assert.Equal(1, f.Sqs.CountSubscribers(AwsEventsFixture.Topic));
        var tags = f.Sqs.GetQueueTags("secrets-client-i-stop");
        Assert.True(tags.ContainsKey(AwsInstanceQueueOptions.HeartbeatTag));
        Assert.StartsWith("arn:aws:sns:", tags[AwsInstanceQueueOptions.SubscriptionTag], StringComparison.Ordinal);

        await listener.StopAsync(CancellationToken.None);

        Assert.DoesNotContain("secrets-client-i-stop", f.Sqs.QueueNames);
        Assert.Equal(0, f.Sqs.CountSubscribers(AwsEventsFixture.Topic));
    }

    [Fact]
    public async Task The_reaper_deletes_queues_whose_heartbeat_stopped_and_their_subscriptions_but_keeps_live_and_foreign_ones()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var deadUrl = f.Sqs.CreateQueue("secrets-client-dead", new Dictionary<string, string> { [AwsInstanceQueueOptions.HeartbeatTag] = now.AddHours(-2).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var deadSubscription = f.Sqs.Subscribe(AwsEventsFixture.Topic, deadUrl);
        var tags = new Dictionary<string, string>(f.Sqs.GetQueueTags(deadUrl)) { [AwsInstanceQueueOptions.SubscriptionTag] = deadSubscription };
        f.Sqs.CreateQueue("secrets-client-dead", tags);
        f.Sqs.CreateQueue("secrets-client-alive", new Dictionary<string, string> { [AwsInstanceQueueOptions.HeartbeatTag] = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) });
        f.Sqs.CreateQueue("secrets-client-untagged");
        var listener = await f.StartListenerAsync(instanceId: "i-reaper"); // reaps once at start

        await Eventually.TrueAsync(() => !f.Sqs.QueueNames.Contains("secrets-client-dead"), "the dead instance's queue was reaped");

        Assert.Contains("secrets-client-alive", f.Sqs.QueueNames);
        Assert.Contains("secrets-client-untagged", f.Sqs.QueueNames);
        Assert.Contains("secrets-client-i-reaper", f.Sqs.QueueNames);
        Assert.Equal(1, f.Sqs.CountSubscribers(AwsEventsFixture.Topic)); // only the live listener's
        Assert.Equal(0, await listener.ReapDeadQueuesAsync());
    }

    [Fact]
    public async Task Two_instances_each_get_every_event_through_their_own_queue()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        f.SecretsManager.CreateSecret("app/db", "v1");
        await f.Store.GetSecretAsync(Ref("app/db"));
        var first = await f.StartListenerAsync(instanceId: "a");
        var second = await f.StartListenerAsync(instanceId: "b");

        f.SecretsManager.PutSecretValue("app/db", "v2");

        await Eventually.TrueAsync(() => first.Status.Received == 1 && second.Status.Received == 1, "both instances received the event");
    }
}

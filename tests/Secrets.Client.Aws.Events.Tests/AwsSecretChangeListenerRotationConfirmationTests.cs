using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Aws.Events.Tests;

/// <summary>
/// A RotationSucceeded that reaches the listener before its rotation's stage move is held for
/// <see cref="AwsSecretChangeListenerOptions.RotationConfirmationDelay"/> on the listener's clock (a fake one here):
/// dropped when the stage move follows within it, handed over once when it ends.
/// </summary>
public class AwsSecretChangeListenerRotationConfirmationTests
{
    private const string Canary = "CANARY-aws-confirm-51c0de-do-not-log";
    private const string Rotated = "CANARY-aws-confirm-rotated-9e4a17";

    private static SecretReference Ref(string path) => new("aws-sm", path);

    private sealed record Rotation(AwsEventsFixture F, AwsSecretChangeListener Listener, FakeTimeProvider Time, string Arn, string Current, Task<SecretChangedEventArgs> Changed);

    /// <summary>A held secret made current at the backend before the listener's queue exists: only the messages sent tell it.</summary>
    private static async Task<Rotation> RotatedAsync(AwsEventsFixture f, Action<AwsSecretChangeListenerOptions>? configure = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var arn = f.SecretsManager.CreateSecret("app/db", Canary);
        await f.Store.GetSecretAsync(Ref("app/db"));
        f.SecretsManager.PutSecretValue("app/db", Rotated);
        var current = f.SecretsManager.GetVersionId("app/db")!;
        var listener = f.CreateListener(configure, time: time);
        await listener.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => listener.Status.Connected, "the listener completed a receive");
        f.SecretsManager.ResetRequestCounts();
        return new Rotation(f, listener, time, arn, current, Changed.NextAsync(f.Store, "app/db"));
    }

    /// <summary>Sends RotationSucceeded and waits until the listener took and deleted its message (the gate: it is held now).</summary>
    private static async Task SendAndAwaitHeldAsync(Rotation r)
    {
        r.F.Sqs.SendMessage(r.Listener.QueueUrl!, AwsSecretChangeListenerTests.RotationSucceededEvent(r.Arn, "2026-12-02T10:00:08Z"));
        await Eventually.TrueAsync(() => r.F.Sqs.CountMessages(r.Listener.QueueUrl!) == (0, 0), "the RotationSucceeded message was received and deleted");
    }

    [Fact]
    public async Task A_stage_move_within_the_window_after_RotationSucceeded_costs_one_fetch_and_no_version_check()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        var r = await RotatedAsync(f);

        await SendAndAwaitHeldAsync(r);
        r.Time.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(0, r.Listener.Status.Received); // held: not handed over, not yet decided
        f.Sqs.SendMessage(r.Listener.QueueUrl!, AwsSecretChangeListenerTests.StageMoveEvent(r.Arn, r.Arn, r.Current, "2026-12-02T10:00:07Z"));
        await r.Changed;
        await Eventually.TrueAsync(() => r.Listener.Status.Received == 2 && r.Listener.Status.Ignored == 1, "the held RotationSucceeded was dropped");

        r.Time.Advance(TimeSpan.FromMinutes(1)); // the window's end finds nothing held
        Assert.Equal(1, f.SecretsManager.GetRequestCount("GetSecretValue"));
        Assert.Equal(0, f.SecretsManager.GetRequestCount("DescribeSecret"));
        Assert.Equal(1, r.Listener.Status.Applied);
        Assert.Equal(2, r.Listener.Status.Received);
        Assert.Equal(Rotated, (await f.Store.GetSecretAsync(Ref("app/db"))).Value.ExposeAsString());
    }

    [Fact]
    public async Task With_no_stage_move_RotationSucceeded_is_handed_over_once_when_the_window_ends()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        var r = await RotatedAsync(f, o => o.RotationConfirmationDelay = TimeSpan.FromSeconds(10));

        await SendAndAwaitHeldAsync(r);
        r.Time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.Equal(0, r.Listener.Status.Received);
        Assert.Equal(0, f.SecretsManager.GetRequestCount("DescribeSecret"));
        Assert.False(r.Changed.IsCompleted);

        r.Time.Advance(TimeSpan.FromTicks(1));
        await r.Changed; // the second signal of a rotation whose stage move was lost
        await Eventually.TrueAsync(() => r.Listener.Status.Applied == 1, "the held event was handed over");
        r.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, r.Listener.Status.Received);
        Assert.Equal(1, f.SecretsManager.GetRequestCount("DescribeSecret"));
        Assert.Equal(1, f.SecretsManager.GetRequestCount("GetSecretValue"));
        Assert.Equal(Rotated, (await f.Store.GetSecretAsync(Ref("app/db"))).Value.ExposeAsString());
    }

    [Fact]
    public async Task A_window_of_zero_hands_RotationSucceeded_over_at_once()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        var r = await RotatedAsync(f, o => o.RotationConfirmationDelay = TimeSpan.Zero);

        f.Sqs.SendMessage(r.Listener.QueueUrl!, AwsSecretChangeListenerTests.RotationSucceededEvent(r.Arn, "2026-12-02T10:00:08Z"));
        await r.Changed; // no fake-clock advance

        Assert.Equal(1, f.SecretsManager.GetRequestCount("DescribeSecret"));
    }

    [Fact]
    public async Task Stopping_while_holding_hands_the_held_event_over_once()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        var r = await RotatedAsync(f);

        await SendAndAwaitHeldAsync(r);
        await r.Listener.StopAsync(CancellationToken.None);
        await r.Changed;
        r.Time.Advance(TimeSpan.FromMinutes(1)); // its timer was stopped: no second hand-over

        Assert.Equal(1, r.Listener.Status.Received);
        Assert.Equal(1, f.SecretsManager.GetRequestCount("DescribeSecret"));
        Assert.Equal(1, f.SecretsManager.GetRequestCount("GetSecretValue"));
    }

    [Fact]
    public async Task Disposing_while_holding_drops_the_held_event_and_its_timer()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        var r = await RotatedAsync(f);

        await SendAndAwaitHeldAsync(r);
        r.Listener.Dispose();
        r.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, r.Listener.Status.Received);
        Assert.Equal(0, f.SecretsManager.GetRequestCount("DescribeSecret"));
        Assert.False(r.Changed.IsCompleted);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(31)]
    public void A_window_outside_0_to_30_seconds_is_refused_by_name(int seconds)
    {
        var options = new AwsSecretChangeListenerOptions { QueueUrl = "http://localhost/q", RotationConfirmationDelay = TimeSpan.FromSeconds(seconds) };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains(nameof(AwsSecretChangeListenerOptions.RotationConfirmationDelay), error.Message, StringComparison.Ordinal);
    }
}

using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Aws.Events.Tests;

public class AwsHeldRotationsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 10, 0, 8, TimeSpan.Zero);

    private static SecretChangeNotification Succeeded(string secret) =>
        new("aws-sm", secret) { EventType = "RotationSucceeded", EventTime = At };

    [Fact]
    public void At_most_MaxHeld_secrets_are_held_and_the_rest_go_at_once()
    {
        var time = new FakeTimeProvider(At);
        var ended = new List<SecretChangeNotification>();
        using var held = new AwsHeldRotations(time, TimeSpan.FromSeconds(15), ended.Add);

        for (var i = 0; i < AwsHeldRotations.MaxHeld; i++)
        {
            Assert.Equal(HoldResult.Held, held.TryHold(Succeeded($"s{i}")));
        }

        Assert.Equal(HoldResult.NotHeld, held.TryHold(Succeeded("one-too-many")));
        Assert.Equal(HoldResult.Duplicate, held.TryHold(Succeeded("s0")));
        Assert.Equal(AwsHeldRotations.MaxHeld, held.Count);

        time.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(AwsHeldRotations.MaxHeld, ended.Count);
        Assert.Equal(0, held.Count);
        Assert.Equal(HoldResult.Held, held.TryHold(Succeeded("one-too-many")));
    }

    [Fact]
    public void An_event_naming_a_version_or_no_window_is_not_held()
    {
        var time = new FakeTimeProvider(At);
        using var none = new AwsHeldRotations(time, TimeSpan.Zero, _ => { });
        using var held = new AwsHeldRotations(time, TimeSpan.FromSeconds(15), _ => { });

        Assert.Equal(HoldResult.NotHeld, none.TryHold(Succeeded("app/db")));
        Assert.Equal(HoldResult.NotHeld, held.TryHold(new SecretChangeNotification("aws-sm", "app/db") { EventType = "RotationSucceeded", Version = "v2", EventTime = At }));
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Tests.Caching;

public class CacheEntryTests
{
    [Fact]
    public void A_notification_after_a_failure_or_a_gone_answer_moves_only_the_next_attempt_and_a_fetch_clears_all()
    {
        using var entry = new EntryScope();
        var e = entry.Entry;
        e.SetFresh(100, 200, 300);
        Assert.Equal(100, e.NextAttemptTicks);
        Assert.Equal(long.MaxValue, e.RemoveAtTicks);
        Assert.Null(e.LastError);

        var failure = new SecretStoreException("refresh failed");
        e.MarkFailed(failure, 500);
        e.MarkDue(600); // later than the next attempt: nothing moves
        Assert.Equal(500, e.NextAttemptTicks);
        e.MarkDue(150);
        Assert.Equal(150, e.NextAttemptTicks);
        Assert.Same(failure, e.LastError);
        Assert.True(e.IsFailing);

        var gone = new SecretStoreException("gone");
        e.MarkRemoving(gone, 160, 1_000, 170);
        e.MarkDue(165);
        Assert.Equal((160L, 165L, 1_000L), (e.RefreshAtTicks, e.NextAttemptTicks, e.RemoveAtTicks));
        Assert.Same(gone, e.LastError);
        e.MarkFailed(failure, 180); // a failed re-check keeps the removal time
        Assert.Equal(1_000, e.RemoveAtTicks);

        e.SetFresh(2_000, 3_000, 4_000);
        Assert.Equal((2_000L, 3_000L, 4_000L, 2_000L), (e.RefreshAtTicks, e.ExpiresAtTicks, e.ServeUntilTicks, e.NextAttemptTicks));
        Assert.Equal(long.MaxValue, e.RemoveAtTicks);
        Assert.Null(e.LastError);
        Assert.False(e.IsFailing);
    }

    [Fact]
    public void Over_the_bound_an_entry_never_read_goes_before_one_read_days_ago()
    {
        var time = new FakeTimeProvider();
        var clock = new StoreClock(time);
        using var index = new SecretCacheIndex(2, TimeSpan.Zero, clock, NullLogger.Instance);
        var (read, unread, added) = (new EntryScope(), new EntryScope(), new EntryScope());
        read.Entry.Touch(clock.NowTicks());
        index.TryReplace(SecretReference.Parse("fake://read"), null, read.Entry);
        index.TryReplace(SecretReference.Parse("fake://unread"), null, unread.Entry);
        time.Advance(TimeSpan.FromDays(10));
        index.TryReplace(SecretReference.Parse("fake://added"), null, added.Entry);

        Assert.True(unread.Entry.Secret!.Value.IsWiped);
        Assert.False(read.Entry.Secret!.Value.IsWiped);
        Assert.InRange(read.Entry.ReadAgeMilliseconds(clock.NowTicks()), 863_999_998u, 864_000_002u); // 10 days, to the 2 ms of the stamp
    }

    private sealed class EntryScope : IDisposable
    {
        public EntryScope()
        {
            var secret = new Secret(new SecretProperties("fake", "db"), SecretValue.FromText("v"));
            secret.Value.TransferToStore();
            Entry = CacheEntry.ForSecret(secret);
            Entry.SetFresh(long.MaxValue, long.MaxValue, long.MaxValue);
        }

        public CacheEntry Entry { get; }

        public void Dispose() => Entry.Release();
    }
}

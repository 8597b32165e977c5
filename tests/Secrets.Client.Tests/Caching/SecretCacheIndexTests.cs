using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Tests.Caching;

public class SecretCacheIndexTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Replacement_is_compare_and_swap_and_the_replaced_entry_is_wiped()
    {
        using var index = new SecretCacheIndex(10, TimeSpan.Zero, new StoreClock(_time), NullLogger.Instance);
        var key = SecretReference.Parse("fake://db");
        var first = Entry("1");
        var second = Entry("2");

        Assert.True(index.TryReplace(key, null, first));
        Assert.False(index.TryReplace(key, null, second));
        Assert.False(index.TryReplace(key, second, Entry("3")));
        Assert.True(index.TryReplace(key, first, second));

        Assert.True(first.Secret!.Value.IsWiped);
        Assert.True(index.TryGet(key, out var held) && ReferenceEquals(held, second));
    }

    [Fact]
    public void Over_the_bound_the_least_recently_read_entry_goes_first()
    {
        var clock = new StoreClock(_time);
        using var index = new SecretCacheIndex(2, TimeSpan.Zero, clock, NullLogger.Instance);
        var (a, b, c) = (Entry("a"), Entry("b"), Entry("c"));
        index.TryReplace(SecretReference.Parse("fake://a"), null, a);
        index.TryReplace(SecretReference.Parse("fake://b"), null, b);
        _time.Advance(TimeSpan.FromSeconds(1));
        a.Touch(clock.NowTicks());
        index.TryReplace(SecretReference.Parse("fake://c"), null, c);

        Assert.Equal(2, index.Count);
        Assert.True(b.Secret!.Value.IsWiped);
        Assert.False(a.Secret!.Value.IsWiped);
    }

    private static CacheEntry Entry(string value)
    {
        var secret = new Secret(new SecretProperties("fake", "db") { Version = value }, SecretValue.FromText(value));
        secret.Value.TransferToStore();
        var entry = CacheEntry.ForSecret(secret);
        entry.SetFresh(long.MaxValue, long.MaxValue, long.MaxValue);
        return entry;
    }
}

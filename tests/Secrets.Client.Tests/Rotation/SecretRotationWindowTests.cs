using System.Text;

namespace Secrets.Client.Tests.Rotation;

public class SecretRotationWindowTests
{
    [Fact]
    public async Task Current_and_previous_are_accepted_through_the_cache_and_audit_until_the_previous_is_switched_off()
    {
        await using var f = new StoreFixture();
        f.Provider.Set("api", "{\"key\":\"old-key\"}");
        f.Provider.Set("api", "{\"key\":\"new-key\"}");
        var reference = SecretReference.Parse("memory://api#key");

        var window = await f.Store.GetRotationWindowAsync(reference);

        Assert.Equal("new-key", window.Current.Value.ExposeAsString());
        Assert.Equal("old-key", window.Previous!.Value.ExposeAsString());
        Assert.True(window.Matches(Encoding.UTF8.GetBytes("old-key")));
        Assert.True(window.Matches(Encoding.UTF8.GetBytes("new-key")));
        Assert.False(window.Matches(Encoding.UTF8.GetBytes("other")));
        Assert.Contains(f.Audit.Records, record => record.SecretName == "api" && record.Version == "1" && record.Kind == SecretAccessKind.Fetch);

        var calls = f.Provider.TotalCalls;
        _ = await f.Store.GetRotationWindowAsync(reference);
        Assert.Equal(calls, f.Provider.TotalCalls); // both versions came from the cache

        f.Store.SetPreviousVersionAccepted(reference, accepted: false); // leaked: the old key must stop working now
        var narrowed = await f.Store.GetRotationWindowAsync(reference);
        Assert.Null(narrowed.Previous);
        Assert.False(narrowed.Matches(Encoding.UTF8.GetBytes("old-key")));

        f.Store.SetPreviousVersionAccepted(reference, accepted: true);
        Assert.NotNull((await f.Store.GetRotationWindowAsync(reference)).Previous);
    }

    [Fact]
    public async Task A_secret_that_never_rotated_has_no_previous_version()
    {
        await using var f = new StoreFixture();
        f.Provider.Set("api", "only");

        var window = await f.Store.GetRotationWindowAsync(SecretReference.Parse("memory://api"));

        Assert.Equal("only", window.Current.Value.ExposeAsString());
        Assert.Null(window.Previous);
        Assert.DoesNotContain("only", window.ToString(), StringComparison.Ordinal);
    }
}

namespace Secrets.Client.Tests.Caching;

public class VersionOrderTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("9", "10", true)]
    [InlineData("10", "9", false)]
    [InlineData("10", "10", false)]
    public void Numeric_versions_compare_as_numbers(string candidate, string held, bool older) =>
        Assert.Equal(older, VersionOrder.IsOlder(Props(candidate, T), Props(held, T)));

    [Fact]
    public void Opaque_versions_compare_by_creation_time_and_unknown_order_accepts_the_candidate()
    {
        Assert.True(VersionOrder.IsOlder(Props("a1b2", T), Props("c3d4", T.AddSeconds(1))));
        Assert.False(VersionOrder.IsOlder(Props("c3d4", T.AddSeconds(1)), Props("a1b2", T)));
        Assert.False(VersionOrder.IsOlder(Props("a1b2", null), Props("c3d4", null)));
    }

    [Fact]
    public void References_pinned_to_a_version_or_stage_are_not_subject_to_the_rule()
    {
        Assert.True(VersionOrder.AppliesTo(SecretReference.Parse("fake://db")));
        Assert.False(VersionOrder.AppliesTo(SecretReference.Parse("fake://db?stage=previous")));
        Assert.False(VersionOrder.AppliesTo(SecretReference.Parse("fake://db?version=3")));
    }

    private static SecretProperties Props(string version, DateTimeOffset? created) => new("fake", "db") { Version = version, CreatedOn = created };
}

namespace Secrets.Client.Gcp.Tests.Events;

public class GcpNotificationParserTests
{
    private static readonly GcpSecretChangeListenerOptions Options = new() { Topic = "projects/p/topics/t", ProjectId = "my-project", ProjectNumber = "42" };

    private static (SecretChangeNotification? Note, string? Reason) Parse(params (string Key, string Value)[] attributes) =>
        GcpNotificationParser.Parse(attributes.ToDictionary(a => a.Key, a => a.Value), null, Options, "gcp-pubsub");

    [Fact]
    public void A_version_add_names_the_secret_by_project_and_id_with_every_spelling_and_announces_the_version()
    {
        var (note, _) = Parse(("eventType", "SECRET_VERSION_ADD"), ("secretId", "projects/42/secrets/db"), ("versionId", "projects/42/secrets/db/versions/7"), ("timestamp", "2026-12-02T10:00:00.5Z"));

        Assert.Equal("42/db", note!.SecretName);
        Assert.Equal("gcp-sm", note.Provider);
        Assert.Equal("7", note.Version);
        Assert.Equal(["projects/42/secrets/db", "my-project/db", "projects/my-project/secrets/db", "db"], note.Aliases);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 0, 0, 500, TimeSpan.Zero), note.EventTime);
    }

    [Fact]
    public void Disabling_or_destroying_a_version_announces_no_version_so_a_held_one_is_always_checked()
    {
        Assert.Null(Parse(("eventType", "SECRET_VERSION_DISABLE"), ("secretId", "projects/42/secrets/db"), ("versionId", "projects/42/secrets/db/versions/7")).Note!.Version);
        Assert.Null(Parse(("eventType", "SECRET_VERSION_ADD"), ("secretId", "projects/42/secrets/db"), ("versionId", "projects/9/secrets/other/versions/7")).Note!.Version);
    }

    [Theory]
    [InlineData("TOPIC_CONFIGURED", "projects/42/secrets/db", "event-type")]
    [InlineData("SECRET_ROTATE", "projects/42/secrets/db", "event-type")]
    [InlineData("SECRET_UPDATE", "db", "malformed")]
    [InlineData("SECRET_UPDATE", "projects/42/topics/db", "malformed")]
    [InlineData("", "projects/42/secrets/db", "malformed")]
    public void Events_that_change_no_value_or_name_no_secret_are_ignored_with_a_reason(string eventType, string secretId, string reason)
    {
        var (note, ignored) = Parse(("eventType", eventType), ("secretId", secretId));

        Assert.Null(note);
        Assert.Equal(reason, ignored);
    }

    [Fact]
    public void Options_refuse_both_or_neither_source_and_a_short_expiration_naming_the_setting()
    {
        Assert.Contains("Topic", Assert.Throws<ArgumentException>(() => new GcpSecretChangeListenerOptions().Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("Topic", Assert.Throws<ArgumentException>(() => new GcpSecretChangeListenerOptions { Topic = "t" }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("SubscriptionExpiration", Assert.Throws<ArgumentException>(() => new GcpSecretChangeListenerOptions { Topic = "projects/p/topics/t", SubscriptionExpiration = TimeSpan.FromHours(1) }.Validate()).Message, StringComparison.Ordinal);
    }
}

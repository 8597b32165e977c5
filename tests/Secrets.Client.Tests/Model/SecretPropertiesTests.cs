namespace Secrets.Client.Tests.Model;

public class SecretPropertiesTests
{
    [Fact]
    public void Every_optional_part_reads_back_as_set_with_its_offset()
    {
        var created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
        var updated = new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.FromMinutes(-330));
        var expires = new DateTimeOffset(2027, 3, 4, 5, 6, 7, TimeSpan.FromMinutes(345));
        var tags = new Dictionary<string, string> { ["team"] = "payments" };
        var properties = new SecretProperties("aws-sm", "db")
        {
            Version = "v2",
            Stages = ["AWSCURRENT"],
            CreatedOn = created,
            UpdatedOn = updated,
            ExpiresOn = expires,
            ContentType = "application/json",
            Tags = tags,
        };

        Assert.Equal((created, created.Offset), (properties.CreatedOn!.Value, properties.CreatedOn.Value.Offset));
        Assert.Equal((updated, updated.Offset), (properties.UpdatedOn!.Value, properties.UpdatedOn.Value.Offset));
        Assert.Equal((expires, expires.Offset), (properties.ExpiresOn!.Value, properties.ExpiresOn.Value.Offset));
        Assert.Equal("application/json", properties.ContentType);
        Assert.Same(tags, properties.Tags);
        Assert.Equal("v2", properties.ChangeToken);
    }

    [Fact]
    public void Parts_not_set_read_as_absent_and_tags_as_empty()
    {
        var properties = new SecretProperties("aws-sm", "db") { ContentType = null, ExpiresOn = null };
        var onlyExpiry = new SecretProperties("aws-sm", "db") { ExpiresOn = DateTimeOffset.UnixEpoch };

        Assert.Null(properties.CreatedOn);
        Assert.Null(properties.UpdatedOn);
        Assert.Null(properties.ExpiresOn);
        Assert.Null(properties.ContentType);
        Assert.Empty(properties.Tags);
        Assert.Null(properties.ChangeToken);
        Assert.Equal(DateTimeOffset.UnixEpoch, onlyExpiry.ExpiresOn);
        Assert.Null(onlyExpiry.ContentType);
        Assert.Empty(onlyExpiry.Tags);
    }
}

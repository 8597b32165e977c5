namespace Secrets.Client.Tests.Audit.Anomalies;

public class SecretAnomalyTests
{
    [Fact]
    public void An_anomaly_keeps_the_record_and_shows_its_kind_and_description()
    {
        var record = AnomalyFixture.Access(AnomalyFixture.MondayMorning, secret: "db", host: "laptop-17");

        var anomaly = new SecretAnomaly(SecretAnomalyKind.NewHost, in record, "Fetch of memory:db from a host not seen for it before: laptop-17.");

        Assert.Equal(SecretAnomalyKind.NewHost, anomaly.Kind);
        Assert.Equal(record, anomaly.Record);
        Assert.Equal("NewHost: Fetch of memory:db from a host not seen for it before: laptop-17.", anomaly.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void A_description_is_required(string? description)
    {
        var record = AnomalyFixture.Access(AnomalyFixture.MondayMorning);

        var error = Assert.ThrowsAny<ArgumentException>(() => new SecretAnomaly(SecretAnomalyKind.OffHours, in record, description!));

        Assert.Equal("description", error.ParamName);
    }
}

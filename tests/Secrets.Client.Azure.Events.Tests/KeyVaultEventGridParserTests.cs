namespace Secrets.Client.Azure.Events.Tests;

public sealed class KeyVaultEventGridParserTests
{
    private const string Version = "ee059b2bb5bc48398a53b168c6cdcb10";

    private static string GridEvent(string type = "Microsoft.KeyVault.SecretNewVersionCreated", string objectType = "Secret", string name = "db-password", string version = Version) => $$"""
        {"id":"1","topic":"/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/myvault","subject":"{{name}}","eventType":"{{type}}",
         "eventTime":"2026-12-02T10:00:00Z","dataVersion":"1","metadataVersion":"1",
         "data":{"Id":"https://myvault.vault.azure.net/secrets/{{name}}/{{version}}","VaultName":"myvault","ObjectType":"{{objectType}}","ObjectName":"{{name}}","Version":"{{version}}","NBF":1559081980,"EXP":"1559082580"} }
        """;

    [Fact]
    public void Event_Grid_schema_batch_becomes_one_notification_per_secret_event_with_vault_and_id_aliases()
    {
        var body = BinaryData.FromString("[" + GridEvent() + "," + GridEvent(name: "api-key") + "]");

        var notifications = KeyVaultEventGridParser.Parse(body, source: "test");

        Assert.Equal(["db-password", "api-key"], notifications.Select(n => n.SecretName));
        var first = notifications[0];
        Assert.Equal("azure-kv", first.Provider);
        Assert.Equal(Version, first.Version);
        Assert.Equal("Microsoft.KeyVault.SecretNewVersionCreated", first.EventType);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero), first.EventTime);
        Assert.Equal(["myvault/db-password", $"https://myvault.vault.azure.net/secrets/db-password/{Version}"], first.Aliases);
        Assert.Equal("test", first.Source);
    }

    [Fact]
    public void CloudEvents_single_event_is_read_as_well()
    {
        var body = BinaryData.FromString($$"""
            {"specversion":"1.0","id":"2","source":"/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/myvault","subject":"db-password",
             "type":"Microsoft.KeyVault.SecretExpired","time":"2026-12-02T10:00:00Z",
             "data":{"Id":"https://myvault.vault.azure.net/secrets/db-password/{{Version}}","VaultName":"myvault","ObjectType":"Secret","ObjectName":"db-password","Version":"{{Version}}","NBF":null,"EXP":1559082580} }
            """);

        var notification = Assert.Single(KeyVaultEventGridParser.Parse(body, "kv"));

        Assert.Equal("kv", notification.Provider);
        Assert.Equal("db-password", notification.SecretName);
        Assert.Equal("Microsoft.KeyVault.SecretExpired", notification.EventType);
    }

    [Fact]
    public void Near_expiry_keys_certificates_and_other_services_are_left_out()
    {
        var body = BinaryData.FromString("[" + GridEvent(type: "Microsoft.KeyVault.SecretNearExpiry") + ","
            + GridEvent(type: "Microsoft.KeyVault.KeyNewVersionCreated", objectType: "Key") + ","
            + GridEvent(type: "Microsoft.Storage.BlobCreated") + "]");

        Assert.Empty(KeyVaultEventGridParser.Parse(body));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("42")]
    [InlineData("""[{"id":"1","eventType":"Microsoft.KeyVault.SecretNewVersionCreated"}]""")]
    [InlineData("""{"specversion":"1.0","type":"Microsoft.KeyVault.SecretNewVersionCreated"}""")]
    public void Malformed_deliveries_are_a_typed_error_that_does_not_echo_the_payload(string json)
    {
        var error = Assert.Throws<KeyVaultEventFormatException>(() => KeyVaultEventGridParser.Parse(BinaryData.FromString(json)));

        Assert.DoesNotContain(json, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../etc/passwd", Version)]
    [InlineData("db-password", "not-a-version")]
    public void Forged_names_and_versions_that_Key_Vault_cannot_hold_are_refused(string name, string version)
    {
        var body = BinaryData.FromString(GridEvent(name: name, version: version));

        var error = Assert.Throws<KeyVaultEventFormatException>(() => KeyVaultEventGridParser.Parse(body));

        Assert.DoesNotContain(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_batch_holds_nothing()
    {
        Assert.Empty(KeyVaultEventGridParser.Parse(BinaryData.FromString("[]")));
    }
}

using System.Text;

namespace Secrets.Client.Vault.Tests.Events;

public sealed class VaultKvEventReaderTests
{
    private static byte[] Message(string eventType, string metadata, string mountPath = "secret/") => Encoding.UTF8.GetBytes(
        """{"id":"a3be9fb1","source":"https://vaultproject.io/","specversion":"1.0","type":"*","data":{"event":{"id":"a3be9fb1","metadata":"""
        + metadata + """},"event_type":""" + "\"" + eventType + "\""
        + ""","plugin_info":{"mount_class":"secret","mount_accessor":"kv_5dc4d18e","mount_path":""" + "\"" + mountPath + "\""
        + ""","plugin":"kv"} },"datacontentype":"application/cloudevents","time":"2026-12-02T15:19:49.394915-07:00"}""");

    [Theory]
    [InlineData("secret/data/app/db")]
    [InlineData("data/app/db")]
    public void Data_write_names_mount_and_path_and_the_new_version_whether_or_not_the_path_holds_the_mount(string path)
    {
        var kvEvent = VaultKvEventReader.Read(Message("kv-v2/data-write", $$"""{"current_version":"3","data_path":"{{path}}","modified":"true","oldest_version":"0","operation":"data-write","path":"{{path}}"}"""));

        Assert.Equal("secret/app/db", kvEvent.SecretPath);
        Assert.Equal("3", kvEvent.Version);
        Assert.Equal("kv-v2/data-write", kvEvent.EventType);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 22, 19, 49, 394, TimeSpan.Zero).AddTicks(9150), kvEvent.Time);
    }

    [Theory]
    [InlineData("kv-v2/data-delete", "secret/data/app/db")]
    [InlineData("kv-v2/destroy", "secret/destroy/app/db")]
    [InlineData("kv-v2/undelete", "secret/undelete/app/db")]
    [InlineData("kv-v2/metadata-delete", "secret/metadata/app/db")]
    public void Deletes_destroys_and_metadata_changes_name_the_secret_without_a_version(string eventType, string path)
    {
        var kvEvent = VaultKvEventReader.Read(Message(eventType, $$"""{"modified":"true","operation":"x","path":"{{path}}","current_version":"2"}"""));

        Assert.Equal("secret/app/db", kvEvent.SecretPath);
        Assert.Null(kvEvent.Version);
    }

    [Fact]
    public void Other_plugins_and_unmodified_events_name_no_secret()
    {
        Assert.Null(VaultKvEventReader.Read(Message("database/rotate", """{"path":"database/rotate-role/x"}""")).SecretPath);
        Assert.Null(VaultKvEventReader.Read(Message("kv-v2/data-write", """{"modified":"false","path":"secret/data/a"}""")).SecretPath);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"data":{}}""")]
    [InlineData("""{"data":{"event_type":"kv-v2/data-write","event":{"metadata":{"path":"secret/data/a"}}}}""")]
    public void Malformed_messages_are_a_format_error(string json)
    {
        Assert.Throws<FormatException>(() => VaultKvEventReader.Read(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Invalid_UTF8_inside_a_string_is_a_format_error()
    {
        // Found by the vault-event fuzz target: JsonElement.GetString throws InvalidOperationException on it.
        var message = Convert.FromBase64String("eyJkYXRhIjp7ImV2ZW50X3R5cGUiOiLtYXRhYmFzZS9yb3RhdGUiLCJldmVudCI6eyJtZXRhZGF0YSI6e319fX0=");

        Assert.Throws<FormatException>(() => VaultKvEventReader.Read(message));
    }

    [Theory]
    [InlineData("secret/data/../sys")]
    [InlineData("secret/data/")]
    [InlineData("secret/data/a","x")]
    public void Paths_and_versions_no_secret_can_have_are_refused(string path, string version = "1")
    {
        Assert.Throws<FormatException>(() => VaultKvEventReader.Read(Message("kv-v2/data-write", $$"""{"path":"{{path}}","current_version":"{{version}}","modified":"true"}""")));
    }
}

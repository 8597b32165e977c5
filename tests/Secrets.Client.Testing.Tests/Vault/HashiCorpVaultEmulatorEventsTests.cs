using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Secrets.Client.Testing;

namespace Secrets.Client.Testing.Tests.Vault;

/// <summary>The emulator's event subscription over a raw websocket, as Vault Enterprise serves it.</summary>
public sealed class HashiCorpVaultEmulatorEventsTests : IAsyncLifetime
{
    private HashiCorpVaultEmulator _vault = null!;

    public async Task InitializeAsync() => _vault = await HashiCorpVaultEmulator.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task A_subscriber_gets_kv_v2_writes_and_deletes_in_CloudEvents_JSON_matching_its_pattern()
    {
        using var socket = await ConnectAsync(_vault, "kv-v2/data-*", _vault.RootToken);
        _vault.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = "canary-raw-1" });
        using var http = new HttpClient { BaseAddress = _vault.Address };
        http.DefaultRequestHeaders.Add("X-Vault-Token", _vault.RootToken);
        using var deleted = await http.DeleteAsync(new Uri("v1/secret/data/app/db", UriKind.Relative));
        using var metadata = await http.PostAsync(new Uri("v1/secret/metadata/app/db", UriKind.Relative), new StringContent("""{"max_versions":3}""", Encoding.UTF8, "application/json"));

        using var write = JsonDocument.Parse(await ReceiveAsync(socket));
        using var delete = JsonDocument.Parse(await ReceiveAsync(socket));

        var data = write.RootElement.GetProperty("data");
        Assert.Equal("1.0", write.RootElement.GetProperty("specversion").GetString());
        Assert.Equal("kv-v2/data-write", data.GetProperty("event_type").GetString());
        Assert.Equal("secret/", data.GetProperty("plugin_info").GetProperty("mount_path").GetString());
        var meta = data.GetProperty("event").GetProperty("metadata");
        Assert.Equal("secret/data/app/db", meta.GetProperty("path").GetString());
        Assert.Equal("1", meta.GetProperty("current_version").GetString());
        Assert.Equal("true", meta.GetProperty("modified").GetString());
        Assert.Equal("kv-v2/data-delete", delete.RootElement.GetProperty("data").GetProperty("event_type").GetString());
        Assert.DoesNotContain("canary-raw", write.RootElement.GetRawText(), StringComparison.Ordinal);
        // metadata-write does not match kv-v2/data-*: nothing more arrives.
        Assert.Equal(3, _vault.EventsPublished);
    }

    [Fact]
    public async Task Subscribing_without_a_token_is_403_and_with_events_disabled_is_404_like_Community_Vault()
    {
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(_vault, "kv-v2/*", token: null));
        await using var community = await HashiCorpVaultEmulator.StartAsync(new HashiCorpVaultEmulatorOptions { EventsEnabled = false });
        var missing = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(community, "kv-v2/*", community.RootToken));

        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        Assert.Contains("404", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dropped_events_are_counted_but_never_sent_and_a_disconnect_cuts_the_socket()
    {
        using var socket = await ConnectAsync(_vault, "kv-v2/*", _vault.RootToken);
        _vault.DropNextEvents(1);
        _vault.WriteSecret("secret", "a", new Dictionary<string, string> { ["v"] = "1" });
        _vault.WriteSecret("secret", "b", new Dictionary<string, string> { ["v"] = "1" });

        using var received = JsonDocument.Parse(await ReceiveAsync(socket));
        _vault.DisconnectEventSubscribers();

        Assert.Equal("secret/data/b", received.RootElement.GetProperty("data").GetProperty("event").GetProperty("metadata").GetProperty("path").GetString());
        Assert.Equal(2, _vault.EventsPublished);
        await Assert.ThrowsAnyAsync<Exception>(() => ReceiveAsync(socket));
    }

    private static async Task<ClientWebSocket> ConnectAsync(HashiCorpVaultEmulator vault, string pattern, string? token)
    {
        var socket = new ClientWebSocket();
        if (token is not null)
        {
            socket.Options.SetRequestHeader("X-Vault-Token", token);
        }

        var uri = new UriBuilder(vault.Address) { Scheme = "ws", Path = "/v1/sys/events/subscribe/" + pattern, Query = "json=true" }.Uri;
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        Assert.True(result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}

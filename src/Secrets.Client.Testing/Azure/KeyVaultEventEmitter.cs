using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Secrets.Client.Testing;

/// <summary>
/// Publishes <c>Microsoft.KeyVault.SecretNewVersionCreated</c> for every new version, as a vault's Event Grid system topic
/// does, to each configured sink, in the background and in order. Counts what it delivered, failed or dropped on purpose.
/// </summary>
internal sealed class KeyVaultEventEmitter : IAsyncDisposable
{
    private readonly IReadOnlyList<KeyVaultEventSink> _sinks;
    private readonly string _vaultName;
    private readonly TimeProvider _time;
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) });
    private readonly Channel<(string Type, KeyVaultStoredVersion Version, Uri Id)> _pending = Channel.CreateUnbounded<(string, KeyVaultStoredVersion, Uri)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;
    private long _published;
    private long _delivered;
    private long _failed;
    private int _dropNext;

    public KeyVaultEventEmitter(IReadOnlyList<KeyVaultEventSink> sinks, string vaultName, TimeProvider time)
    {
        _sinks = sinks;
        _vaultName = vaultName;
        _time = time;
        _pump = Task.Run(PumpAsync);
    }

    public long Published => Interlocked.Read(ref _published);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Failed => Interlocked.Read(ref _failed);

    public void DropNext(int count) => Interlocked.Add(ref _dropNext, count);

    public void Publish(string eventType, KeyVaultStoredVersion version, Uri vaultUri)
    {
        if (_sinks.Count == 0)
        {
            return;
        }

        Interlocked.Increment(ref _published);
        for (var drop = Volatile.Read(ref _dropNext); drop > 0; drop = Volatile.Read(ref _dropNext))
        {
            if (Interlocked.CompareExchange(ref _dropNext, drop - 1, drop) == drop)
            {
                return;
            }
        }

        _pending.Writer.TryWrite((eventType, version, new Uri(vaultUri, $"secrets/{version.Name}/{version.Version}")));
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        _http.Dispose();
    }

    private async Task PumpAsync()
    {
        await foreach (var (type, version, id) in _pending.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            foreach (var sink in _sinks)
            {
                try
                {
                    using var request = sink.Kind == KeyVaultEventSinkKind.StorageQueue ? QueueRequest(sink, type, version, id) : WebhookRequest(sink, type, version, id);
                    using var response = await _http.SendAsync(request).ConfigureAwait(false);
                    Interlocked.Increment(ref response.IsSuccessStatusCode ? ref _delivered : ref _failed);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref _failed);
                }
            }
        }
    }

    private HttpRequestMessage QueueRequest(KeyVaultEventSink sink, string type, KeyVaultStoredVersion version, Uri id)
    {
        // Put Message: POST {queue}/messages?{sas} with the event, one per message, Base64-encoded as Event Grid writes it.
        var builder = new UriBuilder(sink.Endpoint);
        builder.Path = builder.Path.TrimEnd('/') + "/messages";
        var json = EventJson(sink.CloudEvents, type, version, id, array: false);
        var xml = "<QueueMessage><MessageText>" + SecurityElement.Escape(Convert.ToBase64String(json)) + "</MessageText></QueueMessage>";
        var request = new HttpRequestMessage(HttpMethod.Post, builder.Uri) { Content = new StringContent(xml, Encoding.UTF8, "application/xml") };
        request.Headers.Add("x-ms-version", "2021-02-12");
        request.Headers.Add("x-ms-date", _time.GetUtcNow().ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }

    private HttpRequestMessage WebhookRequest(KeyVaultEventSink sink, string type, KeyVaultStoredVersion version, Uri id)
    {
        var json = EventJson(sink.CloudEvents, type, version, id, array: !sink.CloudEvents);
        var request = new HttpRequestMessage(HttpMethod.Post, sink.Endpoint) { Content = new ByteArrayContent(json) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(sink.CloudEvents ? "application/cloudevents+json" : "application/json") { CharSet = "utf-8" };
        request.Headers.Add("aeg-event-type", "Notification");
        return request;
    }

    private byte[] EventJson(bool cloudEvents, string type, KeyVaultStoredVersion version, Uri id, bool array)
    {
        var topic = $"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/emulator/providers/Microsoft.KeyVault/vaults/{_vaultName}";
        var now = _time.GetUtcNow();
        return EmulatorJson.Write(w =>
        {
            if (array)
            {
                w.WriteStartArray();
            }

            w.WriteStartObject();
            w.WriteString("id", Guid.NewGuid().ToString());
            if (cloudEvents)
            {
                w.WriteString("specversion", "1.0");
                w.WriteString("source", topic);
                w.WriteString("subject", version.Name);
                w.WriteString("type", type);
                w.WriteString("time", now);
            }
            else
            {
                w.WriteString("topic", topic);
                w.WriteString("subject", version.Name);
                w.WriteString("eventType", type);
                w.WriteString("eventTime", now);
                w.WriteString("dataVersion", "1");
                w.WriteString("metadataVersion", "1");
            }

            w.WritePropertyName("data");
            WriteData(w, version, id);
            w.WriteEndObject();
            if (array)
            {
                w.WriteEndArray();
            }
        });
    }

    private void WriteData(Utf8JsonWriter w, KeyVaultStoredVersion version, Uri id)
    {
        w.WriteStartObject();
        w.WriteString("Id", id.ToString());
        w.WriteString("VaultName", _vaultName);
        w.WriteString("ObjectType", "Secret");
        w.WriteString("ObjectName", version.Name);
        w.WriteString("Version", version.Version);
        if (version.NotBefore is { } nbf)
        {
            w.WriteNumber("NBF", nbf.ToUnixTimeSeconds());
        }
        else
        {
            w.WriteNull("NBF");
        }

        if (version.ExpiresOn is { } exp)
        {
            w.WriteNumber("EXP", exp.ToUnixTimeSeconds());
        }
        else
        {
            w.WriteNull("EXP");
        }

        w.WriteEndObject();
    }
}

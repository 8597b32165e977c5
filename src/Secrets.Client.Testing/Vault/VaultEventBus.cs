using System.Net.WebSockets;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace Secrets.Client.Testing;

/// <summary>
/// Vault's event bus, as far as KV v2 goes: every write, patch, delete, undelete, destroy and metadata change publishes
/// <c>kv-v2/{operation}</c> with the plugin's metadata (<c>path</c>, <c>data_path</c>, <c>current_version</c>, ...) to
/// every websocket subscribed (<c>/v1/sys/events/subscribe/{pattern}?json=true</c>) whose glob pattern matches, in
/// Vault's CloudEvents JSON. Counts what it published; can drop events or cut every connection on purpose.
/// </summary>
internal sealed class VaultEventBus
{
    private readonly TimeProvider _time;
    private readonly Lock _sync = new();
    private readonly List<Subscriber> _subscribers = [];
    private long _published;
    private int _dropNext;

    public VaultEventBus(TimeProvider time) => _time = time;

    public long Published => Interlocked.Read(ref _published);

    public int SubscriberCount
    {
        get
        {
            lock (_sync)
            {
                return _subscribers.Count;
            }
        }
    }

    public void DropNext(int count) => Interlocked.Add(ref _dropNext, count);

    /// <summary>Closes every subscription's connection abruptly, as a Vault restart or a load balancer would.</summary>
    public void DisconnectAll()
    {
        lock (_sync)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Cut = true;
                subscriber.Socket?.Abort();
                subscriber.Outbox.Writer.TryComplete();
            }
        }
    }

    /// <summary>Publishes a KV v2 event. <paramref name="path"/> is relative to the mount (for example <c>data/app/db</c>).</summary>
    public void PublishKv(string operation, string mount, string path, string? dataPath, int? currentVersion, int? oldestVersion)
    {
        Interlocked.Increment(ref _published);
        for (var drop = Volatile.Read(ref _dropNext); drop > 0; drop = Volatile.Read(ref _dropNext))
        {
            if (Interlocked.CompareExchange(ref _dropNext, drop - 1, drop) == drop)
            {
                return;
            }
        }

        var eventType = "kv-v2/" + operation;
        var id = Guid.NewGuid().ToString();
        var json = EmulatorJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("source", "vault://emulator");
            w.WriteString("specversion", "1.0");
            w.WriteString("type", "*");
            w.WriteStartObject("data");
            w.WriteStartObject("event");
            w.WriteString("id", id);
            w.WriteStartObject("metadata");
            if (currentVersion is { } current)
            {
                w.WriteString("current_version", current.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (dataPath is not null)
            {
                w.WriteString("data_path", mount + "/" + dataPath);
            }

            w.WriteString("modified", "true");
            if (oldestVersion is { } oldest)
            {
                w.WriteString("oldest_version", oldest.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            w.WriteString("operation", operation);
            w.WriteString("path", mount + "/" + path);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("event_type", eventType);
            w.WriteStartObject("plugin_info");
            w.WriteString("mount_class", "secret");
            w.WriteString("mount_accessor", "kv_" + mount);
            w.WriteString("mount_path", mount + "/");
            w.WriteString("plugin", "kv");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("datacontentype", "application/cloudevents");
            w.WriteString("time", _time.GetUtcNow());
            w.WriteEndObject();
        });
        lock (_sync)
        {
            foreach (var subscriber in _subscribers)
            {
                if (subscriber.Pattern.IsMatch(eventType))
                {
                    subscriber.Outbox.Writer.TryWrite(json);
                }
            }
        }
    }

    /// <summary>
    /// Registers a subscription before the websocket handshake completes, so that a client that sees its connection open
    /// gets every event published from then on; then serves it until the client or the emulator closes it.
    /// </summary>
    public async Task ServeAsync(Func<Task<WebSocket>> accept, string pattern, CancellationToken cancellationToken)
    {
        var subscriber = new Subscriber(Glob(pattern), Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true }));
        lock (_sync)
        {
            _subscribers.Add(subscriber);
        }

        try
        {
            using var socket = await accept().ConfigureAwait(false);
            lock (_sync)
            {
                subscriber.Socket = socket;
                if (subscriber.Cut)
                {
                    // Cut while the handshake was finishing.
                    socket.Abort();
                    return;
                }
            }

            // Vault expects no messages from the client; reading notices its close.
            var receive = DrainAsync(socket, subscriber, cancellationToken);
            await foreach (var message in subscriber.Outbox.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            }

            await receive.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the emulator cut the connection.
        }
        finally
        {
            lock (_sync)
            {
                _subscribers.Remove(subscriber);
            }
        }
    }

    private static async Task DrainAsync(WebSocket socket, Subscriber subscriber, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, cancellationToken).ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed.
        }
        finally
        {
            subscriber.Outbox.Writer.TryComplete();
        }
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private sealed record Subscriber(Regex Pattern, Channel<byte[]> Outbox)
    {
        public WebSocket? Socket { get; set; }

        public bool Cut { get; set; }
    }
}

using System.Buffers;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Vault;

/// <summary>
/// Subscribes to Vault's KV v2 events over its event websocket (<c>/v1/sys/events/subscribe/kv-v2/*?json=true</c>,
/// Vault Enterprise 1.16+ and HCP Vault Dedicated) and hands each secret change to the store, which checks the version
/// and fetches only if it moved. Authenticates with the provider's own token (login and renewal shared). Built on
/// <see cref="SecretChangeListener"/> as a long-lived connection: it reconnects with jittered exponential back-off for
/// as long as the host runs. On Community Vault the endpoint does not exist (404): the listener says so, reports itself
/// dormant (degraded, never unhealthy), retries hourly, and rotation rides on version checks.
/// </summary>
/// <remarks>Vault does not replay events missed while disconnected: the store's safety-net poll catches those.</remarks>
public sealed partial class VaultEventListener : SecretChangeListener
{
    /// <summary>The listener's name in metrics, audit and health: <c>vault-events</c>.</summary>
    public const string SourceName = "vault-events";

    private readonly HashiCorpVaultSecretProvider _provider;
    private readonly VaultEventListenerOptions _options;
    private readonly Uri _subscribeUri;

    /// <summary>Initializes a new instance of the <see cref="VaultEventListener"/> class.</summary>
    /// <param name="store">The store to notify.</param>
    /// <param name="provider">The Vault provider whose secrets the events are about; its address, namespace and token are used.</param>
    /// <param name="options">The subscription settings, or <see langword="null"/> for the defaults; validated here.</param>
    /// <param name="loggerFactory">Logs what was applied and every fault (never a value or token), or <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the listener meter, or <see langword="null"/>.</param>
    public VaultEventListener(ISecretStore store, HashiCorpVaultSecretProvider provider, VaultEventListenerOptions? options = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base(SourceName, store, ListenerSettings(provider, options ??= new VaultEventListenerOptions()), loggerFactory, meterFactory)
    {
        _provider = provider;
        _options = options;
        _subscribeUri = SubscribeUri(provider.Endpoint, options);
    }

    /// <inheritdoc/>
    protected override Task ReceiveAsync(CancellationToken cancellationToken) => SubscribeOnceAsync(cancellationToken);

    /// <inheritdoc/>
    protected override TimeSpan? SlowRetryDelay(Exception failure)
    {
        if (failure is not VaultEventsUnsupportedException)
        {
            return null;
        }

        LogUnsupported(Logger, _provider.Name, _options.UnsupportedRetryInterval.TotalMinutes);
        return _options.UnsupportedRetryInterval;
    }

    private static VaultEventListenerOptions ListenerSettings(HashiCorpVaultSecretProvider provider, VaultEventListenerOptions options)
    {
        ArgumentNullException.ThrowIfNull(provider);
        options.ProviderName = provider.Name;
        return options;
    }


    private async Task SubscribeOnceAsync(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = _options.KeepAliveInterval;
        socket.Options.SetRequestHeader("X-Vault-Token", token.Value);
        if (_provider.Namespace is { Length: > 0 } ns)
        {
            socket.Options.SetRequestHeader("X-Vault-Namespace", ns);
        }

        try
        {
            if (_provider.HttpHandler is { } handler)
            {
                using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
                await socket.ConnectAsync(_subscribeUri, invoker, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await socket.ConnectAsync(_subscribeUri, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (WebSocketException) when (socket.HttpStatusCode == HttpStatusCode.NotFound)
        {
            throw new VaultEventsUnsupportedException();
        }
        catch (WebSocketException) when (socket.HttpStatusCode == HttpStatusCode.Forbidden)
        {
            // The token may have been revoked or expired: the next attempt logs in again.
            _provider.InvalidateToken(token);
            throw;
        }

        MarkConnected();
        LogSubscribed(Logger, _provider.Name, _options.EventTypePattern);
        var buffer = ArrayPool<byte>.Shared.Rent(_options.MaxMessageBytes);
        try
        {
            while (true)
            {
                var length = 0;
                var tooLarge = false;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == _options.MaxMessageBytes)
                    {
                        tooLarge = true;
                        length = 0;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length, _options.MaxMessageBytes - length), cancellationToken).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, cancellationToken).ConfigureAwait(false);
                        // Vault closed it (restart, leader change): reconnect after the backoff's first step, not at once.
                        throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
                    }

                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (tooLarge || result.MessageType != WebSocketMessageType.Text)
                {
                    LogMalformed(Logger, _provider.Name, tooLarge ? "message too large" : "binary message (protobuf); the listener asks for JSON");
                    await DeliverAsync(null, "malformed", cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await ApplyAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private async Task ApplyAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        VaultKvEvent kvEvent;
        try
        {
            kvEvent = VaultKvEventReader.Read(message.Span);
        }
        catch (FormatException ex)
        {
            LogMalformed(Logger, _provider.Name, ex.Message);
            await DeliverAsync(null, "malformed", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (kvEvent.SecretPath is null)
        {
            await DeliverAsync(null, "not-a-secret-change", cancellationToken).ConfigureAwait(false);
            return;
        }

        var notification = new SecretChangeNotification(_provider.Name, kvEvent.SecretPath)
        {
            Version = kvEvent.Version,
            EventType = kvEvent.EventType,
            EventTime = kvEvent.Time,
            Source = SourceName,
        };
        var outcome = await DeliverAsync(notification, null, cancellationToken).ConfigureAwait(false);
        LogApplied(Logger, kvEvent.EventType, _provider.Name, kvEvent.SecretPath, kvEvent.Version ?? "-", outcome ?? SecretChangeNotificationOutcome.NotHeld);
    }

    private static Uri SubscribeUri(Uri endpoint, VaultEventListenerOptions options)
    {
        var builder = new UriBuilder(endpoint)
        {
            Scheme = endpoint.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Path = endpoint.AbsolutePath.TrimEnd('/') + "/v1/sys/events/subscribe/" + string.Join('/', options.EventTypePattern.Split('/').Select(Uri.EscapeDataString)).Replace("%2A", "*", StringComparison.Ordinal),
            Query = "json=true" + string.Concat(options.Namespaces.Select(n => "&namespaces=" + Uri.EscapeDataString(n))),
        };
        return builder.Uri;
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Subscribed to Vault events for provider '{Provider}' ({Pattern})")]
    private static partial void LogSubscribed(ILogger logger, string provider, string pattern);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "Vault for provider '{Provider}' has no event subscription (404: Community Vault, or Enterprise before 1.16); rotation rides on version checks; trying again in {DelayMinutes:0} min")]
    private static partial void LogUnsupported(ILogger logger, string provider, double delayMinutes);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Warning, Message = "Ignored a malformed Vault event for provider '{Provider}': {Reason}")]
    private static partial void LogMalformed(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Information, Message = "Change notification from vault-events: {EventType} for {Provider}:{Secret} version {Version}: {Outcome}")]
    private static partial void LogApplied(ILogger logger, string eventType, string provider, string secret, string version, SecretChangeNotificationOutcome outcome);
}

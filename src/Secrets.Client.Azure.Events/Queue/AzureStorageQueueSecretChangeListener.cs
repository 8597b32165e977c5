using System.Diagnostics.Metrics;
using Azure;
using Azure.Identity;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Client.Listening;

namespace Secrets.Client.Azure.Events;

/// <summary>
/// Reads Key Vault's Event Grid events from an Azure Storage queue (the instance's own) and hands each secret change to
/// the store, which checks the version and fetches only if it moved. A message is deleted once handled; a malformed one
/// is deleted and counted; one that keeps failing is deleted after <see cref="AzureStorageQueueListenerOptions.MaxDequeueCount"/>
/// receives. Transport faults back off and retry for as long as the host runs. Starts and stops with the host.
/// </summary>
public sealed partial class AzureStorageQueueSecretChangeListener : BackgroundService
{
    /// <summary>The listener's name in metrics, audit and health: <c>azure-storage-queue</c>.</summary>
    public const string SourceName = "azure-storage-queue";

    private readonly ISecretStore _store;
    private readonly AzureStorageQueueListenerOptions _options;
    private readonly QueueClient _queue;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ListenerTelemetry _telemetry;
    private readonly ListenerBackoff _backoff;
    private readonly KeyVaultEventApplier _applier;

    /// <summary>Initializes a new instance of the <see cref="AzureStorageQueueSecretChangeListener"/> class.</summary>
    /// <param name="store">The store to notify.</param>
    /// <param name="options">The queue and the polling settings; validated here.</param>
    /// <param name="logger">Logs what was applied and every fault (never a value), or <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the listener meter, or <see langword="null"/>.</param>
    public AzureStorageQueueSecretChangeListener(ISecretStore store, AzureStorageQueueListenerOptions options, ILogger<AzureStorageQueueSecretChangeListener>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _options = options;
        _time = options.TimeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _queue = CreateClient(options);
        _telemetry = new ListenerTelemetry(SourceName, meterFactory, _time);
        _backoff = new ListenerBackoff(options.InitialBackoff, options.MaxBackoff);
        _applier = new KeyVaultEventApplier(store, options.ProviderName, _telemetry, _logger);
    }

    /// <summary>Gets the queue's name.</summary>
    public string QueueName => _queue.Name;

    /// <summary>Reports the listener's state: healthy while it reaches its queue, degraded after three faults in a row.</summary>
    /// <returns>The health.</returns>
    public HealthCheckResult CheckHealth() => _telemetry.ToHealthCheckResult(3);

    internal ListenerTelemetry Telemetry => _telemetry;

    /// <inheritdoc/>
    public override void Dispose()
    {
        base.Dispose();
        _telemetry.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(_logger, _queue.Name, _options.PollInterval.TotalSeconds);
        var created = !_options.CreateQueueIfNotExists;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    if (!created)
                    {
                        await _queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                        created = true;
                    }

                    var received = await ReceiveOnceAsync(stoppingToken).ConfigureAwait(false);
                    _backoff.Reset();
                    // A full batch means more may be waiting: drain before sleeping.
                    wait = received >= _options.MaxMessages ? TimeSpan.Zero : _options.PollInterval;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is not OperationCanceledException)
                {
                    _telemetry.Fault(ex);
                    wait = _backoff.Next();
                    LogTransportFault(_logger, _queue.Name, ex.GetType().Name, (ex as RequestFailedException)?.Status ?? 0, _backoff.Attempt, wait.TotalSeconds);
                }

                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
        finally
        {
            _telemetry.Stopped();
            LogStopped(_logger, _queue.Name);
        }
    }

    /// <summary>One receive and the handling of what it returned; returns how many messages came back.</summary>
    internal async Task<int> ReceiveOnceAsync(CancellationToken cancellationToken)
    {
        var response = await _queue.ReceiveMessagesAsync(_options.MaxMessages, _options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        _telemetry.Contact();
        var messages = response.Value;
        foreach (var message in messages)
        {
            if (await HandleAsync(message, cancellationToken).ConfigureAwait(false))
            {
                await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
            }
        }

        return messages.Length;
    }

    /// <summary>Hands a message's events to the store; returns whether to delete it.</summary>
    private async Task<bool> HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        List<KeyVaultEvent> events;
        try
        {
            events = KeyVaultEventReader.Read(message.Body);
        }
        catch (KeyVaultEventFormatException ex)
        {
            // Retrying a message that does not parse cannot help: delete it, count it, say what was wrong (never the body).
            _telemetry.Malformed();
            LogMalformed(_logger, _queue.Name, message.MessageId, ex.Message);
            return true;
        }

        try
        {
            foreach (var keyVaultEvent in events)
            {
                await _applier.ApplyAsync(keyVaultEvent, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                LogPoison(_logger, _queue.Name, message.MessageId, message.DequeueCount, ex.GetType().Name);
                return true;
            }

            // Leave it: it reappears after the visibility timeout and is tried again.
            LogHandlingFailed(_logger, _queue.Name, message.MessageId, ex.GetType().Name);
            return false;
        }
    }

    private static QueueClient CreateClient(AzureStorageQueueListenerOptions options)
    {
        var clientOptions = options.ClientOptions ?? new QueueClientOptions();
        // Event Grid writes queue messages Base64-encoded.
        clientOptions.MessageEncoding = QueueMessageEncoding.Base64;
        return options.QueueUri is { } uri
            ? new QueueClient(uri, options.Credential ?? new DefaultAzureCredential(), clientOptions)
            : new QueueClient(options.ConnectionString, options.QueueName, clientOptions);
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Listening for Key Vault events on storage queue {Queue} every {PollSeconds} s")]
    private static partial void LogStarted(ILogger logger, string queue, double pollSeconds);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Stopped listening on storage queue {Queue}")]
    private static partial void LogStopped(ILogger logger, string queue);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Storage queue {Queue} failed ({ErrorType}, status {Status}); fault {Attempt} in a row, retrying in {DelaySeconds:0.0} s")]
    private static partial void LogTransportFault(ILogger logger, string queue, string errorType, int status, int attempt, double delaySeconds);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Deleted malformed message {MessageId} from storage queue {Queue}: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string queue, string messageId, string reason);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Error, Message = "Deleted message {MessageId} from storage queue {Queue} after {DequeueCount} failed attempts ({ErrorType})")]
    private static partial void LogPoison(ILogger logger, string queue, string messageId, long dequeueCount, string errorType);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "Handling message {MessageId} from storage queue {Queue} failed ({ErrorType}); it will be received again")]
    private static partial void LogHandlingFailed(ILogger logger, string queue, string messageId, string errorType);
}

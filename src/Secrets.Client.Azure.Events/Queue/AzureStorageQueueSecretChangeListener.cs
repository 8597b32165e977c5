using System.Diagnostics.Metrics;
using Azure.Identity;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Azure.Events;

/// <summary>
/// Reads Key Vault's Event Grid events from an Azure Storage queue (the instance's own) and hands each secret change to
/// the store, which checks the version and fetches only if it moved. A message is deleted once handled; a malformed one
/// is deleted and counted; one that keeps failing is deleted after <see cref="AzureStorageQueueListenerOptions.MaxDequeueCount"/>
/// receives. Built on <see cref="SecretChangeListener"/>: transport faults back off and retry for as long as the host
/// runs, and the state shows in <see cref="SecretChangeListener.Status"/> and <see cref="SecretChangeListenerHealthCheck"/>.
/// </summary>
public sealed partial class AzureStorageQueueSecretChangeListener : SecretChangeListener
{
    /// <summary>The listener's name in metrics, audit and health: <c>azure-storage-queue</c>.</summary>
    public const string SourceName = "azure-storage-queue";

    private readonly AzureStorageQueueListenerOptions _options;
    private readonly QueueClient _queue;
    private readonly KeyVaultEventApplier _applier;

    /// <summary>Initializes a new instance of the <see cref="AzureStorageQueueSecretChangeListener"/> class.</summary>
    /// <param name="store">The store to notify.</param>
    /// <param name="options">The queue and the polling settings; validated here.</param>
    /// <param name="loggerFactory">Logs what was applied and every fault (never a value), or <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the listener meter, or <see langword="null"/>.</param>
    public AzureStorageQueueSecretChangeListener(ISecretStore store, AzureStorageQueueListenerOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base(SourceName, store, options, loggerFactory, meterFactory)
    {
        _options = options;
        _queue = CreateClient(options);
        _applier = new KeyVaultEventApplier(options.ProviderName, SourceName, DeliverAsync, Logger);
    }

    /// <summary>Gets the queue's name.</summary>
    public string QueueName => _queue.Name;

    /// <inheritdoc/>
    protected override async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (_options.CreateQueueIfNotExists)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        LogStarted(Logger, _queue.Name, _options.PollInterval.TotalSeconds);
    }

    /// <inheritdoc/>
    protected override async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var received = await ReceiveOnceAsync(cancellationToken).ConfigureAwait(false);
        // Storage queues have no long poll: sleep between receives, except after a full batch (more may be waiting).
        if (received < _options.MaxMessages)
        {
            await Task.Delay(_options.PollInterval, TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One receive and the handling of what it returned; returns how many messages came back.</summary>
    internal async Task<int> ReceiveOnceAsync(CancellationToken cancellationToken)
    {
        var response = await _queue.ReceiveMessagesAsync(_options.MaxMessages, _options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        MarkConnected();
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
            LogMalformed(Logger, _queue.Name, message.MessageId, ex.Message);
            await DeliverAsync(null, "malformed", cancellationToken).ConfigureAwait(false);
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
                LogPoison(Logger, _queue.Name, message.MessageId, message.DequeueCount, ex.GetType().Name);
                return true;
            }

            // Leave it: it reappears after the visibility timeout and is tried again.
            LogHandlingFailed(Logger, _queue.Name, message.MessageId, ex.GetType().Name);
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

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Deleted malformed message {MessageId} from storage queue {Queue}: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string queue, string messageId, string reason);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Error, Message = "Deleted message {MessageId} from storage queue {Queue} after {DequeueCount} failed attempts ({ErrorType})")]
    private static partial void LogPoison(ILogger logger, string queue, string messageId, long dequeueCount, string errorType);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "Handling message {MessageId} from storage queue {Queue} failed ({ErrorType}); it will be received again")]
    private static partial void LogHandlingFailed(ILogger logger, string queue, string messageId, string errorType);
}

using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Storage.Queues;

namespace Secrets.Client.Azure.Events;

/// <summary>
/// Settings for <see cref="AzureStorageQueueSecretChangeListener"/>: which queue (an instance's own, fed by an Event Grid
/// subscription on the vault's system topic), how often to poll it, and how to back off when it is out of reach.
/// </summary>
/// <remarks>
/// Storage queues have no long polling, so the listener's bound is a formula of <see cref="PollInterval"/>: a rotation
/// reaches the store at most <c>Event Grid delivery (typically under 1 s) + PollInterval + receive round trip</c> after the
/// write, then the store's <c>ChangeNotificationMaxDelay</c> jitter and one version check. The default 10 s keeps a
/// fleet well inside a 60 s bound at 8,640 receives per instance per day.
/// </remarks>
public sealed class AzureStorageQueueListenerOptions
{
    /// <summary>Gets or sets the queue's address (<c>https://account.queue.core.windows.net/queue</c>), used with <see cref="Credential"/>.</summary>
    public Uri? QueueUri { get; set; }

    /// <summary>Gets or sets a Storage connection string, used with <see cref="QueueName"/> instead of <see cref="QueueUri"/> (for example Azurite's).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the queue's name when <see cref="ConnectionString"/> is set.</summary>
    public string? QueueName { get; set; }

    /// <summary>Gets or sets the credential for <see cref="QueueUri"/>; <see langword="null"/> means <c>DefaultAzureCredential</c> (managed identity in Azure).</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>Gets or sets the queue client's options (transport, retries); the message encoding is always Base64, as Event Grid writes.</summary>
    public QueueClientOptions? ClientOptions { get; set; }

    /// <summary>Gets or sets the store's name of the Key Vault provider the events are for. Default <c>azure-kv</c>.</summary>
    [Required]
    public string ProviderName { get; set; } = "azure-kv";

    /// <summary>Gets or sets the wait after a receive that came back empty (or not full). Default 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many messages one receive asks for (1 to 32, the service's cap). Default 32.</summary>
    [Range(1, 32)]
    public int MaxMessages { get; set; } = 32;

    /// <summary>Gets or sets how long a received message stays invisible to other receivers before it reappears if not deleted. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "07.00:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many times a message may be received before it is deleted as poison (logged, counted). Default 5.</summary>
    [Range(1, 1000)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Gets or sets whether the listener creates its queue at start if it does not exist. Default <see langword="false"/> (the IaC creates it).</summary>
    public bool CreateQueueIfNotExists { get; set; }

    /// <summary>Gets or sets the first delay after a transport fault; it doubles per fault up to <see cref="MaxBackoff"/>, with jitter. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between attempts while the queue is out of reach. Default 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the clock. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Validates the settings once, at start.</summary>
    /// <exception cref="ValidationException">A setting is out of range or no queue is named.</exception>
    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (QueueUri is null && (string.IsNullOrEmpty(ConnectionString) || string.IsNullOrEmpty(QueueName)))
        {
            throw new ValidationException("Set QueueUri, or ConnectionString and QueueName, to name the queue the Event Grid subscription delivers to.");
        }

        if (MaxBackoff < InitialBackoff)
        {
            throw new ValidationException("MaxBackoff must be at least InitialBackoff.");
        }
    }
}

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
public sealed class AzureStorageQueueListenerOptions : SecretChangeListenerOptions
{
    /// <summary>Initializes a new instance of the <see cref="AzureStorageQueueListenerOptions"/> class, for the provider <c>azure-kv</c>, backing off up to 2 minutes.</summary>
    public AzureStorageQueueListenerOptions()
    {
        ProviderName = "azure-kv";
        MaxBackoff = TimeSpan.FromMinutes(2);
    }

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

    /// <summary>Gets or sets the wait after a receive that came back empty (or not full). Default 10 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many messages one receive asks for (1 to 32, the service's cap). Default 32.</summary>
    public int MaxMessages { get; set; } = 32;

    /// <summary>Gets or sets how long a received message stays invisible to other receivers before it reappears if not deleted. Default 30 seconds.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many times a message may be received before it is deleted as poison (logged, counted). Default 5.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Gets or sets whether the listener creates its queue at start if it does not exist. Default <see langword="false"/> (the IaC creates it).</summary>
    public bool CreateQueueIfNotExists { get; set; }

    /// <summary>Validates the settings once, at start.</summary>
    /// <exception cref="ArgumentException">A shared listener setting (provider, backoff, health, clock) is out of range.</exception>
    /// <exception cref="ValidationException">A queue setting is out of range or no queue is named.</exception>
    public override void Validate()
    {
        base.Validate();
        // Checked by hand rather than with data annotations' reflection: this package is trimming- and AOT-compatible.
        ValidateRanges();
        if (QueueUri is null && (string.IsNullOrEmpty(ConnectionString) || string.IsNullOrEmpty(QueueName)))
        {
            throw new ValidationException("Set QueueUri, or ConnectionString and QueueName, to name the queue the Event Grid subscription delivers to.");
        }
    }

    private void ValidateRanges()
    {
        Check(PollInterval > TimeSpan.Zero && PollInterval <= TimeSpan.FromHours(1), nameof(PollInterval), "must be positive and at most 1 hour");
        Check(MaxMessages is >= 1 and <= 32, nameof(MaxMessages), "must be 1 to 32");
        Check(VisibilityTimeout >= TimeSpan.FromSeconds(1) && VisibilityTimeout <= TimeSpan.FromDays(7), nameof(VisibilityTimeout), "must be 1 second to 7 days");
        Check(MaxDequeueCount is >= 1 and <= 1000, nameof(MaxDequeueCount), "must be 1 to 1000");
    }

    private static void Check(bool ok, string name, string problem)
    {
        if (!ok)
        {
            throw new ValidationException($"AzureStorageQueueListenerOptions.{name} {problem}.");
        }
    }
}

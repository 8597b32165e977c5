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
    public string ProviderName { get; set; } = "azure-kv";

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

    /// <summary>Gets or sets the first delay after a transport fault; it doubles per fault up to <see cref="MaxBackoff"/>, with jitter. Default 1 second.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between attempts while the queue is out of reach. Default 2 minutes.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the clock. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Validates the settings once, at start.</summary>
    /// <exception cref="ValidationException">A setting is out of range or no queue is named.</exception>
    public void Validate()
    {
        // Checked by hand rather than with data annotations' reflection: this package is trimming- and AOT-compatible.
        ValidateRanges();
        if (QueueUri is null && (string.IsNullOrEmpty(ConnectionString) || string.IsNullOrEmpty(QueueName)))
        {
            throw new ValidationException("Set QueueUri, or ConnectionString and QueueName, to name the queue the Event Grid subscription delivers to.");
        }

        if (MaxBackoff < InitialBackoff)
        {
            throw new ValidationException("MaxBackoff must be at least InitialBackoff.");
        }
    }

    private void ValidateRanges()
    {
        Check(!string.IsNullOrWhiteSpace(ProviderName), nameof(ProviderName), "must name the store's Key Vault provider");
        Check(PollInterval > TimeSpan.Zero && PollInterval <= TimeSpan.FromHours(1), nameof(PollInterval), "must be positive and at most 1 hour");
        Check(MaxMessages is >= 1 and <= 32, nameof(MaxMessages), "must be 1 to 32");
        Check(VisibilityTimeout >= TimeSpan.FromSeconds(1) && VisibilityTimeout <= TimeSpan.FromDays(7), nameof(VisibilityTimeout), "must be 1 second to 7 days");
        Check(MaxDequeueCount is >= 1 and <= 1000, nameof(MaxDequeueCount), "must be 1 to 1000");
        Check(InitialBackoff > TimeSpan.Zero, nameof(InitialBackoff), "must be positive");
        Check(TimeProvider is not null, nameof(TimeProvider), "must be set");
    }

    private static void Check(bool ok, string name, string problem)
    {
        if (!ok)
        {
            throw new ValidationException($"AzureStorageQueueListenerOptions.{name} {problem}.");
        }
    }
}

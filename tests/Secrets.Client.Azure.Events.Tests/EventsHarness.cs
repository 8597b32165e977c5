using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Azure.Storage.Sas;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Azure.Events.Tests;

/// <summary>
/// A Key Vault emulator whose vault is named <c>main</c> (as the provider's <c>Vaults["main"]</c> key), publishing its
/// Event Grid events to the given sinks; a store over the real Key Vault provider; a log collector to scan for canaries.
/// </summary>
internal sealed class EventsHarness : IAsyncDisposable
{
    private EventsHarness(AzureKeyVaultEmulator emulator, SecretStore store, FakeLogCollector logs, ILoggerFactory loggerFactory)
    {
        Emulator = emulator;
        Store = store;
        Logs = logs;
        LoggerFactory = loggerFactory;
    }

    public AzureKeyVaultEmulator Emulator { get; }

    public SecretStore Store { get; }

    public FakeLogCollector Logs { get; }

    public ILoggerFactory LoggerFactory { get; }

    public static async Task<EventsHarness> StartAsync(IEnumerable<KeyVaultEventSink> sinks, SecretStoreOptions? storeOptions = null, TimeProvider? storeTime = null)
    {
        var emulatorOptions = new AzureKeyVaultEmulatorOptions { EventVaultName = "main" };
        foreach (var sink in sinks)
        {
            emulatorOptions.EventSinks.Add(sink);
        }

        var emulator = await AzureKeyVaultEmulator.StartAsync(emulatorOptions);
        var logs = new FakeLogCollector();
        var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        var providerOptions = new AzureKeyVaultSecretProviderOptions
        {
            Credential = emulator.CreateCredential(),
            ConfigureClientOptions = options =>
            {
                options.Transport = new HttpClientTransport(emulator.CreateHandler());
                options.DisableChallengeResourceVerification = true;
            },
            Environment = "Development",
        };
        providerOptions.Vaults["main"] = emulator.VaultUri;
        var provider = new AzureKeyVaultSecretProvider(providerOptions, loggerFactory);
        var store = new SecretStore([provider], storeOptions ?? new SecretStoreOptions(), storeTime, loggerFactory);
        return new EventsHarness(emulator, store, logs, loggerFactory);
    }

    /// <summary>Creates a queue in Azurite and a SAS URL that may add messages to it, as an Event Grid subscription's destination.</summary>
    public static async Task<(QueueClient Queue, Uri AddUri)> CreateQueueAsync(AzuriteProcess azurite, string? name = null)
    {
        var queue = new QueueClient(azurite.ConnectionString, name ?? "secrets-" + Guid.NewGuid().ToString("N")[..12], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        return (queue, queue.GenerateSasUri(QueueSasPermissions.Add, DateTimeOffset.UtcNow.AddHours(2)));
    }

    /// <summary>Waits for the store to raise <see cref="SecretStore.SecretChanged"/> for <paramref name="path"/> with a version other than <paramref name="oldVersion"/>.</summary>
    public Task<SecretChangedEventArgs> NextChangeAsync(string path, string? oldVersion)
    {
        var changed = new TaskCompletionSource<SecretChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<SecretChangedEventArgs>? handler = null;
        handler = (_, e) =>
        {
            if (e.Reference.Path == path && e.Properties.Version != oldVersion)
            {
                Store.SecretChanged -= handler;
                changed.TrySetResult(e);
            }
        };
        Store.SecretChanged += handler;
        return changed.Task;
    }

    public IEnumerable<string> LogTexts() => Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await Emulator.DisposeAsync();
        LoggerFactory.Dispose();
    }
}

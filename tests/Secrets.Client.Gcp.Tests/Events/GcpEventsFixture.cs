using Secrets.Client.Testing;

namespace Secrets.Client.Gcp.Tests.Events;

/// <summary>
/// The GCP path end to end on loopback emulators: Secret Manager publishes its notifications to a topic on the Pub/Sub
/// emulator; a store over the real GCP adapter; listeners pulling their own expiring subscriptions over REST.
/// </summary>
internal sealed class GcpEventsFixture : IAsyncDisposable
{
    public const string TopicId = "secret-events";

    private GcpEventsFixture(PubSubEmulator pubSub, GcpSecretManagerEmulator secretManager, SecretStore store, RecordingAuditSink audit)
    {
        PubSub = pubSub;
        SecretManager = secretManager;
        Store = store;
        Audit = audit;
    }

    public PubSubEmulator PubSub { get; }

    public GcpSecretManagerEmulator SecretManager { get; }

    public SecretStore Store { get; }

    public RecordingAuditSink Audit { get; }

    public string Topic => $"projects/{PubSub.ProjectId}/topics/{TopicId}";

    public List<GcpSecretChangeListener> Listeners { get; } = [];

    public static async Task<GcpEventsFixture> StartAsync(PubSubEmulatorOptions? pubSubOptions = null)
    {
        var pubSub = await PubSubEmulator.StartAsync(pubSubOptions);
        pubSub.CreateTopic(TopicId);
        var smOptions = new GcpSecretManagerEmulatorOptions { NotificationPubSub = pubSub };
        smOptions.NotificationTopics.Add(TopicId);
        var secretManager = await GcpSecretManagerEmulator.StartAsync(smOptions);
        var token = secretManager.TestToken;
        var provider = new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions
        {
            Endpoint = secretManager.Endpoint,
            DefaultProject = secretManager.ProjectId,
            AccessTokenProvider = _ => new ValueTask<string>(token),
            Environment = "Development",
        });
        var audit = new RecordingAuditSink();
        var store = new SecretStore([provider], new SecretStoreOptions { Environment = "Development", CacheDuration = TimeSpan.FromHours(1), EvictionGracePeriod = TimeSpan.Zero }, null, null, audit);
        return new GcpEventsFixture(pubSub, secretManager, store, audit);
    }

    public GcpSecretChangeListener CreateListener(Action<GcpSecretChangeListenerOptions>? configure = null, string instanceId = "i1", TimeProvider? time = null)
    {
        var token = PubSub.TestToken;
        var options = new GcpSecretChangeListenerOptions
        {
            Endpoint = PubSub.Endpoint,
            Topic = Topic,
            InstanceId = instanceId,
            AccessTokenProvider = _ => new ValueTask<string>(token),
            TimeProvider = time ?? TimeProvider.System,
            Randomizer = () => 0.5,
            PullTimeout = TimeSpan.FromSeconds(2),
        };
        configure?.Invoke(options);
        var listener = new GcpSecretChangeListener(Store, options);
        Listeners.Add(listener);
        return listener;
    }

    public async Task<GcpSecretChangeListener> StartListenerAsync(Action<GcpSecretChangeListenerOptions>? configure = null, string instanceId = "i1")
    {
        var listener = CreateListener(configure, instanceId);
        await listener.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => PubSub.SubscriptionNames.Contains(listener.SubscriptionName), "the listener made its subscription");
        return listener;
    }

    public Task ChecksAuditedAsync(int count) =>
        Eventually.TrueAsync(() => Audit.Records.Count(r => r.Kind == SecretAccessKind.ChangeNotification) >= count, $"{count} notification checks were audited");

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in Listeners)
        {
            await listener.StopAsync(CancellationToken.None);
            listener.Dispose();
        }

        await Store.DisposeAsync();
        await SecretManager.DisposeAsync();
        await PubSub.DisposeAsync();
    }
}

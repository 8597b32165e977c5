using Amazon.Runtime;
using Amazon.SQS;
using Secrets.Client.Testing;

namespace Secrets.Client.Aws.Events.Tests;

/// <summary>
/// The AWS path end to end on loopback emulators: Secrets Manager emits its EventBridge events to a topic on the SQS
/// emulator, which fans them out to each subscribed per-instance queue; a store over the real AWS adapter, and a
/// listener over the real AWSSDK.SQS client.
/// </summary>
internal sealed class AwsEventsFixture : IAsyncDisposable
{
    public const string Topic = "secrets-changes";
    public const string TopicArn = "arn:aws:sns:us-east-1:123456789012:" + Topic;

    private AwsEventsFixture(SqsEmulator sqs, AwsSecretsManagerEmulator secretsManager, SecretStore store, AmazonSQSClient client)
    {
        Sqs = sqs;
        SecretsManager = secretsManager;
        Store = store;
        Client = client;
    }

    public SqsEmulator Sqs { get; }

    public AwsSecretsManagerEmulator SecretsManager { get; }

    public SecretStore Store { get; }

    public AmazonSQSClient Client { get; }

    public RecordingAuditSink Audit { get; private init; } = new();

    public List<AwsSecretChangeListener> Listeners { get; } = [];

    public static async Task<AwsEventsFixture> StartAsync(Action<SecretStoreOptions>? configureStore = null, TimeProvider? storeTime = null)
    {
        var sqs = await SqsEmulator.StartAsync();
        var secretsManager = await AwsSecretsManagerEmulator.StartAsync(new AwsSecretsManagerEmulatorOptions { ChangeEvents = json => sqs.Publish(Topic, json) });
        var provider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
        {
            Region = secretsManager.Region,
            Endpoint = secretsManager.Endpoint,
            Credentials = new BasicAWSCredentials(secretsManager.AccessKeyId, secretsManager.SecretAccessKey),
        });
        // A long cache: only events (or an explicit refresh) can bring a new value within a test.
        var options = new SecretStoreOptions { Environment = "Development", CacheDuration = TimeSpan.FromHours(1), EvictionGracePeriod = TimeSpan.Zero };
        configureStore?.Invoke(options);
        var audit = new RecordingAuditSink();
        var store = new SecretStore([provider], options, storeTime, null, audit);
        var client = new AmazonSQSClient(new BasicAWSCredentials(sqs.AccessKeyId, sqs.SecretAccessKey), new AmazonSQSConfig
        {
            ServiceURL = sqs.Endpoint.ToString(),
            AuthenticationRegion = sqs.Region,
            MaxErrorRetry = 0,
        });
        return new AwsEventsFixture(sqs, secretsManager, store, client) { Audit = audit };
    }

    public AwsSecretChangeListener CreateListener(Action<AwsSecretChangeListenerOptions>? configure = null, string instanceId = "i1", TimeProvider? time = null)
    {
        var options = new AwsSecretChangeListenerOptions
        {
            WaitTimeSeconds = 1,
            TimeProvider = time ?? TimeProvider.System,
            Randomizer = () => 0.5,
            InstanceQueue = new AwsInstanceQueueOptions
            {
                InstanceId = instanceId,
                TopicArn = TopicArn,
                Subscribe = (_, queueArn, _) => Task.FromResult(Sqs.Subscribe(Topic, queueArn)),
                Unsubscribe = (arn, _) =>
                {
                    Sqs.Unsubscribe(arn);
                    return Task.CompletedTask;
                },
            },
        };
        configure?.Invoke(options);
        var listener = new AwsSecretChangeListener(Store, Client, options);
        Listeners.Add(listener);
        return listener;
    }

    public async Task<AwsSecretChangeListener> StartListenerAsync(Action<AwsSecretChangeListenerOptions>? configure = null, string instanceId = "i1")
    {
        var listener = CreateListener(configure, instanceId);
        await listener.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => listener.Status.Connected, "the listener completed a receive");
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
        Client.Dispose();
        await SecretsManager.DisposeAsync();
        await Sqs.DisposeAsync();
    }
}

internal static class Changed
{
    /// <summary>Completes with the first <see cref="SecretChangedEventArgs"/> for <paramref name="path"/>.</summary>
    public static Task<SecretChangedEventArgs> NextAsync(SecretStore store, string path)
    {
        var changed = new TaskCompletionSource<SecretChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.SecretChanged += (_, args) =>
        {
            if (args.Reference.Path == path)
            {
                changed.TrySetResult(args);
            }
        };
        return changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

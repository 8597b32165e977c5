using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Secrets.Client;
using Secrets.Client.Aws;
using Secrets.Client.Aws.Events;
using Secrets.Client.Gcp;
using Secrets.Client.Testing;

// P5 (issue #13): end-to-end push latency, from a write at the emulated backend to the store raising SecretChanged with
// the new value, for the AWS path (EventBridge event -> topic fan-out -> instance queue -> SQS long poll -> version
// check -> fetch) and the GCP path (Pub/Sub notification -> waiting unary pull -> version check -> fetch), rotations
// interleaved between the paths. Default store and listener options (no jitter: one instance).
// With several instances, each has its own store and listeners (its own queue and subscription) and a rotation's
// latency is until the last instance has the new value.
// Usage: dotnet run -c Release -- [rotations per path, default 200] [instances, default 1]
var rotations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var instanceCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;

await using var sqs = await SqsEmulator.StartAsync();
await using var aws = await AwsSecretsManagerEmulator.StartAsync(new AwsSecretsManagerEmulatorOptions { ChangeEvents = json => sqs.Publish("secrets-changes", json) });
await using var pubsub = await PubSubEmulator.StartAsync(new PubSubEmulatorOptions { MaxPullWait = TimeSpan.FromSeconds(60) });
pubsub.CreateTopic("secret-events");
var gcpOptions = new GcpSecretManagerEmulatorOptions { NotificationPubSub = pubsub };
gcpOptions.NotificationTopics.Add("secret-events");
await using var gcp = await GcpSecretManagerEmulator.StartAsync(gcpOptions);

aws.CreateSecret("bench/db", "v0");
gcp.AddVersion("db", "v0");
var awsRef = new SecretReference("aws-sm", "bench/db");
var gcpRef = new SecretReference("gcp-sm", gcp.ProjectId + "/db");
var instances = new List<Instance>();
for (var n = 0; n < instanceCount; n++)
{
    instances.Add(await Instance.StartAsync(n, aws, gcp, sqs, pubsub, awsRef, gcpRef));
}

await Task.Delay(500); // every listener is now waiting in a long poll / pull

var awsLatencies = new List<double>();
var gcpLatencies = new List<double>();
for (var i = 1; i <= rotations; i++)
{
    awsLatencies.Add(await RotateAsync(instances, awsRef, $"a{i}", value => aws.PutSecretValue("bench/db", value)));
    gcpLatencies.Add(await RotateAsync(instances, gcpRef, $"g{i}", value => gcp.AddVersion("db", value)));
}

foreach (var instance in instances)
{
    await instance.DisposeAsync();
}

Console.WriteLine($"{instanceCount} instance(s), {rotations} rotations per path");
Report("AWS: SQS long poll (EventBridge -> SNS fan-out -> instance queue)", awsLatencies);
Report("GCP: Pub/Sub unary pull (Secret Manager notification)", gcpLatencies);
Console.WriteLine($"applied: aws {instances.Sum(i => i.Aws.Status.Applied)}/{instances.Sum(i => i.Aws.Status.Received)}, gcp {instances.Sum(i => i.Gcp.Status.Applied)}/{instances.Sum(i => i.Gcp.Status.Received)}");

static async Task<double> RotateAsync(List<Instance> instances, SecretReference reference, string value, Action<string> write)
{
    var pending = instances.Select(instance => instance.NextChangeAsync(reference)).ToArray();
    var started = Stopwatch.GetTimestamp();
    write(value);
    await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(30));
    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    foreach (var instance in instances)
    {
        var served = (await instance.Store.GetSecretAsync(reference)).Value.ExposeAsString();
        if (served != value)
        {
            throw new InvalidOperationException($"{reference} served an older value after its change event.");
        }
    }

    return elapsed;
}

static void Report(string path, List<double> latencies)
{
    latencies.Sort();
    double At(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: n={latencies.Count} p50={At(0.5):F1} ms p90={At(0.9):F1} ms p99={At(0.99):F1} ms max={latencies[^1]:F1} ms"));
}

/// <summary>One application instance: its store over both adapters, and its two listeners.</summary>
internal sealed class Instance : IAsyncDisposable
{
    private Instance(SecretStore store, AmazonSQSClient sqsClient, AwsSecretChangeListener aws, GcpSecretChangeListener gcp)
    {
        Store = store;
        SqsClient = sqsClient;
        Aws = aws;
        Gcp = gcp;
    }

    public SecretStore Store { get; }

    public AmazonSQSClient SqsClient { get; }

    public AwsSecretChangeListener Aws { get; }

    public GcpSecretChangeListener Gcp { get; }

    public static async Task<Instance> StartAsync(int n, AwsSecretsManagerEmulator aws, GcpSecretManagerEmulator gcp, SqsEmulator sqs, PubSubEmulator pubsub, SecretReference awsRef, SecretReference gcpRef)
    {
        var awsProvider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
        {
            Region = aws.Region,
            Endpoint = aws.Endpoint,
            Credentials = new BasicAWSCredentials(aws.AccessKeyId, aws.SecretAccessKey),
        });
        var gcpToken = gcp.TestToken;
        var gcpProvider = new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions
        {
            Endpoint = gcp.Endpoint,
            DefaultProject = gcp.ProjectId,
            AccessTokenProvider = _ => new ValueTask<string>(gcpToken),
        });
        var store = new SecretStore([awsProvider, gcpProvider], new SecretStoreOptions { CacheDuration = TimeSpan.FromHours(1) });
        var sqsClient = new AmazonSQSClient(new BasicAWSCredentials(sqs.AccessKeyId, sqs.SecretAccessKey), new AmazonSQSConfig { ServiceURL = sqs.Endpoint.ToString(), AuthenticationRegion = sqs.Region });
        var awsListener = new AwsSecretChangeListener(store, sqsClient, new AwsSecretChangeListenerOptions
        {
            InstanceQueue = new AwsInstanceQueueOptions
            {
                InstanceId = "bench-" + n.ToString(CultureInfo.InvariantCulture),
                TopicArn = "arn:aws:sns:us-east-1:123456789012:secrets-changes",
                Subscribe = (_, queueArn, _) => Task.FromResult(sqs.Subscribe("secrets-changes", queueArn)),
                Unsubscribe = (arn, _) => Task.FromResult(sqs.Unsubscribe(arn)),
            },
        });
        var pubsubToken = pubsub.TestToken;
        var gcpListener = new GcpSecretChangeListener(store, new GcpSecretChangeListenerOptions
        {
            Endpoint = pubsub.Endpoint,
            Topic = $"projects/{pubsub.ProjectId}/topics/secret-events",
            InstanceId = "bench-" + n.ToString(CultureInfo.InvariantCulture),
            AccessTokenProvider = _ => new ValueTask<string>(pubsubToken),
        });
        await store.GetSecretAsync(awsRef);
        await store.GetSecretAsync(gcpRef);
        await awsListener.StartAsync(CancellationToken.None);
        await gcpListener.StartAsync(CancellationToken.None);
        while (awsListener.QueueUrl is null || !pubsub.SubscriptionNames.Contains(gcpListener.SubscriptionName))
        {
            await Task.Delay(10);
        }

        return new Instance(store, sqsClient, awsListener, gcpListener);
    }

    public Task NextChangeAsync(SecretReference reference)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<SecretChangedEventArgs>? handler = null;
        handler = (_, args) =>
        {
            if (args.Reference.Provider == reference.Provider && args.Reference.Path == reference.Path)
            {
                Store.SecretChanged -= handler;
                seen.TrySetResult();
            }
        };
        Store.SecretChanged += handler;
        return seen.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await Aws.StopAsync(CancellationToken.None);
        await Gcp.StopAsync(CancellationToken.None);
        Aws.Dispose();
        Gcp.Dispose();
        SqsClient.Dispose();
        await Store.DisposeAsync();
    }
}

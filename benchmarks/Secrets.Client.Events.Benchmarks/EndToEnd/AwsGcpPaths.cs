using Amazon.Runtime;
using Amazon.SQS;
using Secrets.Client.Aws;
using Secrets.Client.Aws.Events;
using Secrets.Client.Gcp;
using Secrets.Client.Testing;

namespace Secrets.Client.Events.Benchmarks.EndToEnd;

/// <summary>
/// P5's AWS and GCP paths: the Secrets Manager emulator's EventBridge event fanned out to the instance's own SQS queue
/// and read with a 20 s long poll; the Secret Manager emulator's notification on Pub/Sub read with a 60 s unary pull.
/// Default store and listener options (no jitter: one instance).
/// </summary>
internal static class AwsGcpPaths
{
    public static async Task<double[]> AwsAsync(int rotations)
    {
        await using var sqs = await SqsEmulator.StartAsync();
        await using var aws = await AwsSecretsManagerEmulator.StartAsync(new AwsSecretsManagerEmulatorOptions { ChangeEvents = json => sqs.Publish("secrets-changes", json) });
        aws.CreateSecret("bench/db", "rotation-0");
        var provider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
        {
            Region = aws.Region,
            Endpoint = aws.Endpoint,
            Credentials = new BasicAWSCredentials(aws.AccessKeyId, aws.SecretAccessKey),
        });
        await using var store = new SecretStore([provider]);
        using var sqsClient = new AmazonSQSClient(new BasicAWSCredentials(sqs.AccessKeyId, sqs.SecretAccessKey), new AmazonSQSConfig { ServiceURL = sqs.Endpoint.ToString(), AuthenticationRegion = sqs.Region });
        using var listener = new AwsSecretChangeListener(store, sqsClient, new AwsSecretChangeListenerOptions
        {
            InstanceQueue = new AwsInstanceQueueOptions
            {
                InstanceId = "bench-0",
                TopicArn = "arn:aws:sns:us-east-1:123456789012:secrets-changes",
                Subscribe = (_, queueArn, _) => Task.FromResult(sqs.Subscribe("secrets-changes", queueArn)),
                Unsubscribe = (arn, _) => Task.FromResult(sqs.Unsubscribe(arn)),
            },
        });
        await listener.StartAsync(CancellationToken.None);
        while (listener.QueueUrl is null)
        {
            await Task.Delay(10); // the queue is created and subscribed before the first write
        }

        var result = await RotationLatency.MeasureAsync(store, "aws-sm://bench/db", value => aws.PutSecretValue("bench/db", value), rotations);
        await listener.StopAsync(CancellationToken.None);
        return result;
    }

    public static async Task<double[]> GcpAsync(int rotations)
    {
        await using var pubsub = await PubSubEmulator.StartAsync(new PubSubEmulatorOptions { MaxPullWait = TimeSpan.FromSeconds(60) });
        pubsub.CreateTopic("secret-events");
        var gcpOptions = new GcpSecretManagerEmulatorOptions { NotificationPubSub = pubsub };
        gcpOptions.NotificationTopics.Add("secret-events");
        await using var gcp = await GcpSecretManagerEmulator.StartAsync(gcpOptions);
        gcp.AddVersion("db", "rotation-0");
        var gcpToken = gcp.TestToken;
        var provider = new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions
        {
            Endpoint = gcp.Endpoint,
            DefaultProject = gcp.ProjectId,
            AccessTokenProvider = _ => new ValueTask<string>(gcpToken),
        });
        await using var store = new SecretStore([provider]);
        var pubsubToken = pubsub.TestToken;
        using var listener = new GcpSecretChangeListener(store, new GcpSecretChangeListenerOptions
        {
            Endpoint = pubsub.Endpoint,
            Topic = $"projects/{pubsub.ProjectId}/topics/secret-events",
            InstanceId = "bench-0",
            AccessTokenProvider = _ => new ValueTask<string>(pubsubToken),
        });
        await listener.StartAsync(CancellationToken.None);
        while (!pubsub.SubscriptionNames.Contains(listener.SubscriptionName))
        {
            await Task.Delay(10); // the subscription exists before the first write
        }

        var reference = "gcp-sm://" + gcp.ProjectId + "/db";
        var result = await RotationLatency.MeasureAsync(store, reference, value => gcp.AddVersion("db", value), rotations);
        await listener.StopAsync(CancellationToken.None);
        return result;
    }
}

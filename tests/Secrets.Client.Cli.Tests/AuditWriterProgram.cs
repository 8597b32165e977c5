namespace Secrets.Client.Cli.Tests;

/// <summary>
/// The entry point of this assembly when run as a process (the test runner does not use it): <c>append-audit DIR NAME
/// COUNT MAXBYTES</c> writes COUNT records through a <see cref="JsonLinesSecretAuditSink"/>, as one app process would.
/// </summary>
public static class AuditWriterProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["serve", var endpoint, var region, var accessKey, var secretKey, var auditDirectory, var reference, var sqsEndpoint, var queueUrl, var sqsAccessKey, var sqsSecretKey])
        {
            return await ServeAsync(new Uri(endpoint), region, new Amazon.Runtime.BasicAWSCredentials(accessKey, secretKey), auditDirectory, reference,
                new Uri(sqsEndpoint), queueUrl, new Amazon.Runtime.BasicAWSCredentials(sqsAccessKey, sqsSecretKey));
        }

        if (args is not ["append-audit", var directory, var name, var count, var maxBytes])
        {
            return 2;
        }

        using var sink = new JsonLinesSecretAuditSink(new JsonLinesSecretAuditSinkOptions { Directory = directory, MaxFileBytes = long.Parse(maxBytes) });
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < int.Parse(count); i++)
        {
            sink.Record(new SecretAuditRecord
            {
                Timestamp = now, Provider = "aws-sm", SecretName = "app/db", Version = "v" + i, Kind = SecretAccessKind.Fetch,
                Outcome = SecretAuditOutcome.Success, User = "app", Host = "host", Process = name, Environment = "Production",
            });
        }

        return 0;
    }

    /// <summary>
    /// <c>serve ...</c>: an app instance. It reads the secret through a store (auditing to the shared trail, caching for
    /// an hour so that only a push can move it), listens for change events on its own SQS queue through
    /// <see cref="Secrets.Client.Aws.Events.AwsSecretChangeListener"/>, prints <c>ready VERSION</c>, then
    /// <c>serving VERSION</c> each time the store's value changes, and answers each stdin line <c>window</c> with
    /// <c>window CURRENT PREVIOUS</c> (<c>-</c> for none) from the store's rotation window.
    /// </summary>
    private static async Task<int> ServeAsync(Uri endpoint, string region, Amazon.Runtime.AWSCredentials credentials, string auditDirectory, string reference,
        Uri sqsEndpoint, string queueUrl, Amazon.Runtime.AWSCredentials sqsCredentials)
    {
        using var sink = new JsonLinesSecretAuditSink(new JsonLinesSecretAuditSinkOptions { Directory = auditDirectory });
        var provider = new Secrets.Client.Aws.AwsSecretsManagerSecretProvider(new Secrets.Client.Aws.AwsSecretsManagerSecretProviderOptions
        {
            Region = region, Endpoint = endpoint, Credentials = credentials,
        });
        await using var store = new SecretStore([provider], new SecretStoreOptions { Environment = "Development", CacheDuration = TimeSpan.FromHours(1) }, auditSink: sink);
        var parsed = SecretReference.Parse(reference);
        store.SecretChanged += (_, changed) =>
        {
            if (changed.Reference.Path == parsed.Path && changed.Reference.Version is null && changed.Reference.Stage is null && changed.Error is null)
            {
                Console.WriteLine("serving " + changed.Properties.Version);
            }
        };
        Console.WriteLine("ready " + (await store.GetSecretAsync(reference)).Properties.Version);
        using var sqs = new Amazon.SQS.AmazonSQSClient(sqsCredentials, new Amazon.SQS.AmazonSQSConfig { ServiceURL = sqsEndpoint.ToString(), AuthenticationRegion = region, MaxErrorRetry = 0 });
        using var listener = new Secrets.Client.Aws.Events.AwsSecretChangeListener(store, sqs, new Secrets.Client.Aws.Events.AwsSecretChangeListenerOptions { QueueUrl = queueUrl, WaitTimeSeconds = 1 });
        await listener.StartAsync(CancellationToken.None);
        while (Console.ReadLine() is { } line)
        {
            if (line == "window")
            {
                var window = await store.GetRotationWindowAsync(parsed);
                Console.WriteLine($"window {window.Current.Properties.Version} {window.Previous?.Properties.Version ?? "-"}");
            }
        }

        await listener.StopAsync(CancellationToken.None);
        return 0;
    }
}

namespace Secrets.Client.Cli.Tests;

/// <summary>
/// The entry point of this assembly when run as a process (the test runner does not use it): <c>append-audit DIR NAME
/// COUNT MAXBYTES</c> writes COUNT records through a <see cref="JsonLinesSecretAuditSink"/>, as one app process would.
/// </summary>
public static class AuditWriterProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["serve", var endpoint, var region, var accessKey, var secretKey, var auditDirectory, var reference])
        {
            return await ServeAsync(new Uri(endpoint), region, accessKey, secretKey, auditDirectory, reference);
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
    /// <c>serve ...</c>: an app instance. It reads the secret through a store (auditing to the shared trail), prints
    /// <c>ready VERSION</c>, then answers each stdin line <c>refresh</c> with the version it serves after dropping its cached copy.
    /// (With push notifications, issue #13, the instance moves without being asked.)
    /// </summary>
    private static async Task<int> ServeAsync(Uri endpoint, string region, string accessKey, string secretKey, string auditDirectory, string reference)
    {
        using var sink = new JsonLinesSecretAuditSink(new JsonLinesSecretAuditSinkOptions { Directory = auditDirectory });
        var provider = new Secrets.Client.Aws.AwsSecretsManagerSecretProvider(new Secrets.Client.Aws.AwsSecretsManagerSecretProviderOptions
        {
            Region = region, Endpoint = endpoint, Credentials = new Amazon.Runtime.BasicAWSCredentials(accessKey, secretKey),
        });
        await using var store = new SecretStore([provider], new SecretStoreOptions { Environment = "Development" }, auditSink: sink);
        Console.WriteLine("ready " + (await store.GetSecretAsync(reference)).Properties.Version);
        while (Console.ReadLine() is { } line)
        {
            if (line == "refresh")
            {
                store.Invalidate(SecretReference.Parse(reference)); // drop the cached copy: the next read fetches the current version
                Console.WriteLine("serving " + (await store.GetSecretAsync(reference)).Properties.Version);
            }
        }

        return 0;
    }
}

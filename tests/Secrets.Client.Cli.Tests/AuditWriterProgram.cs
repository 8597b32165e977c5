namespace Secrets.Client.Cli.Tests;

/// <summary>
/// The entry point of this assembly when run as a process (the test runner does not use it): <c>append-audit DIR NAME
/// COUNT MAXBYTES</c> writes COUNT records through a <see cref="JsonLinesSecretAuditSink"/>, as one app process would.
/// </summary>
public static class AuditWriterProgram
{
    public static int Main(string[] args)
    {
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
}

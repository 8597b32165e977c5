namespace Secrets.Client.Cli;

/// <summary>The SDK's own trail (<see cref="JsonLinesSecretAuditSink"/>): every fetch, refresh and (if recorded) cached read.</summary>
internal sealed class JsonLinesAuditSource : IAuditSource
{
    private readonly JsonLinesSecretAuditReader _reader;

    public JsonLinesAuditSource(string directory, string prefix) => _reader = new JsonLinesSecretAuditReader(directory, prefix);

    public string Name => "sdk-audit";

    public Task<IReadOnlyList<AuditRead>> ReadAsync(LeakTarget target, CancellationToken cancellationToken)
    {
        IReadOnlyList<AuditRead> reads = [.. _reader.Read(target.Since, target.Until)
            .Where(record => record.Kind is SecretAccessKind.Fetch or SecretAccessKind.Refresh or SecretAccessKind.CacheHit
                && record.Outcome is SecretAuditOutcome.Success or SecretAuditOutcome.StaleServed
                && string.Equals(record.Provider, target.Provider, StringComparison.Ordinal) && target.Names(record.SecretName))
            .Select(record => new AuditRead(Name, record.Timestamp, record.Identity ?? record.User, record.Host, record.Version,
                $"{record.Kind} by {record.Process} as {record.User}"))];
        return Task.FromResult(reads);
    }
}

using System.Collections.Concurrent;

namespace Secrets.Client.Tests;

internal sealed class RecordingAuditSink : ISecretAuditSink
{
    public ConcurrentQueue<SecretAuditRecord> Records { get; } = new();

    public void Record(in SecretAuditRecord record) => Records.Enqueue(record);
}

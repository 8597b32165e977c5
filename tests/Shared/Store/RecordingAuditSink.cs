using System.Collections.Concurrent;

namespace Secrets.Client;

/// <summary>An audit sink that keeps every record, for tests that assert what was audited; shared by the test projects that link it.</summary>
internal sealed class RecordingAuditSink : ISecretAuditSink
{
    public ConcurrentQueue<SecretAuditRecord> Records { get; } = new();

    public void Record(in SecretAuditRecord record) => Records.Enqueue(record);
}

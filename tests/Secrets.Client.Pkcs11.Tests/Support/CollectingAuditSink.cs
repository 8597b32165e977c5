using System.Collections.Concurrent;
using Secrets.Client;

namespace Secrets.Client.Pkcs11.Tests.Support;

/// <summary>An <see cref="ISecretAuditSink"/> that keeps every record, for assertions.</summary>
public sealed class CollectingAuditSink : ISecretAuditSink
{
    public ConcurrentQueue<SecretAuditRecord> Records { get; } = new();

    public void Record(in SecretAuditRecord record) => Records.Enqueue(record);
}

using Secrets.Client;

namespace Secrets.Client.Identity.Probe;

/// <summary>Keeps the last audit record, so that the probe can report the identity it named.</summary>
internal sealed class RecordingAuditSink : ISecretAuditSink
{
    private readonly Lock _gate = new();
    private SecretAuditRecord? _last;

    public SecretAuditRecord? Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    public void Record(in SecretAuditRecord record)
    {
        lock (_gate)
        {
            _last = record;
        }
    }
}

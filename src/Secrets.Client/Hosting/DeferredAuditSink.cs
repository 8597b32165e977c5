namespace Secrets.Client.Hosting;

/// <summary>
/// The audit trail of a store built while the host is being built (configuration loads before the container exists):
/// records are kept (a bounded number; past it the oldest are dropped and counted) until <see cref="Attach"/> hands over
/// the sink the container resolves (the app's <c>AddSecretAuditJsonLines</c>, or logging), then replayed there in order.
/// Later records go straight to it.
/// </summary>
internal sealed class DeferredAuditSink : ISecretAuditSink
{
    private const int MaxBuffered = 4096;

    private readonly Lock _gate = new();
    private readonly Queue<SecretAuditRecord> _buffer = new();
    private ISecretAuditSink? _target;

    /// <summary>Gets how many records were dropped because the buffer was full before the sink was attached.</summary>
    public int Dropped { get; private set; }

    /// <summary>Hands over the container's sink (once; later calls are ignored) and replays what was recorded before.</summary>
    /// <param name="target">The sink.</param>
    public void Attach(ISecretAuditSink target)
    {
        SecretAuditRecord[] replay;
        lock (_gate)
        {
            if (_target is not null)
            {
                return;
            }

            replay = [.. _buffer];
            _buffer.Clear();
            Volatile.Write(ref _target, target);
        }

        foreach (var record in replay)
        {
            if (target.IsEnabled(record.Kind, record.Outcome))
            {
                target.Record(in record);
            }
        }
    }

    public bool IsEnabled(SecretAccessKind kind, SecretAuditOutcome outcome) =>
        Volatile.Read(ref _target) is not { } target || target.IsEnabled(kind, outcome);

    public void Record(in SecretAuditRecord record)
    {
        if (Volatile.Read(ref _target) is { } target)
        {
            target.Record(in record);
            return;
        }

        lock (_gate)
        {
            if (_target is null)
            {
                if (_buffer.Count == MaxBuffered)
                {
                    _buffer.Dequeue();
                    Dropped++;
                }

                _buffer.Enqueue(record);
                return;
            }
        }

        _target.Record(in record);
    }
}

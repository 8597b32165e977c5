namespace Secrets.Client;

/// <summary>
/// Receives an audit record for every access to a secret (cache hits included). Implementations must be thread-safe
/// and fast: they run on the read path. The default, <see cref="LoggerSecretAuditSink"/>, writes structured log events.
/// </summary>
public interface ISecretAuditSink
{
    /// <summary>Records one access.</summary>
    /// <param name="record">The access; it never holds a value.</param>
    void Record(in SecretAuditRecord record);
}

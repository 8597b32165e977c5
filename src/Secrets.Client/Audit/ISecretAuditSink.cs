namespace Secrets.Client;

/// <summary>
/// Receives an audit record for every access to a secret (cache hits included). Implementations must be thread-safe
/// and fast: they run on the read path. The default, <see cref="LoggerSecretAuditSink"/>, writes structured log events.
/// </summary>
public interface ISecretAuditSink
{
    /// <summary>
    /// Tells whether accesses of this kind and outcome would be recorded, so that the store can skip building the record
    /// (and reading the clock) on the hot path, as <c>ILogger.IsEnabled</c> does for logging. Defaults to <see langword="true"/>.
    /// </summary>
    /// <param name="kind">The kind of access.</param>
    /// <param name="outcome">How it ended.</param>
    /// <returns><see langword="true"/> when <see cref="Record(in SecretAuditRecord)"/> should be called.</returns>
    bool IsEnabled(SecretAccessKind kind, SecretAuditOutcome outcome) => true;

    /// <summary>Records one access.</summary>
    /// <param name="record">The access; it never holds a value.</param>
    void Record(in SecretAuditRecord record);
}

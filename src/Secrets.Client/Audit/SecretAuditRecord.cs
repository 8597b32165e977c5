namespace Secrets.Client;

/// <summary>
/// One audited access to a secret: who, what, where and when. Never holds a value. Passed by reference to
/// <see cref="ISecretAuditSink.Record(in SecretAuditRecord)"/> so that auditing a cached read allocates nothing.
/// </summary>
public readonly struct SecretAuditRecord
{
    /// <summary>Gets when the access happened (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the provider name.</summary>
    public required string Provider { get; init; }

    /// <summary>Gets the secret name (the reference's path).</summary>
    public required string SecretName { get; init; }

    /// <summary>Gets the version served or asked for, when known.</summary>
    public string? Version { get; init; }

    /// <summary>Gets the JSON field read, when the reference selected one.</summary>
    public string? Field { get; init; }

    /// <summary>Gets what kind of access this was.</summary>
    public required SecretAccessKind Kind { get; init; }

    /// <summary>Gets how the access ended.</summary>
    public required SecretAuditOutcome Outcome { get; init; }

    /// <summary>Gets a value indicating whether the value came from the cache.</summary>
    public bool CacheHit => Kind == SecretAccessKind.CacheHit || Outcome == SecretAuditOutcome.StaleServed;

    /// <summary>Gets the identity the provider authenticates as, when known.</summary>
    public string? Identity { get; init; }

    /// <summary>Gets the operating-system user running the process.</summary>
    public required string User { get; init; }

    /// <summary>Gets the host name.</summary>
    public required string Host { get; init; }

    /// <summary>Gets the process name and id, as <c>name[pid]</c>.</summary>
    public required string Process { get; init; }

    /// <summary>Gets the application environment (for example <c>Production</c>).</summary>
    public required string Environment { get; init; }

    /// <summary>Gets the error type name when the access failed.</summary>
    public string? ErrorType { get; init; }
}

namespace Secrets.Client;

/// <summary>
/// An unusual access to a secret, found by an <see cref="AnomalyDetectingAuditSink"/>: the kind, the audited access
/// that revealed it (who, what, where and when) and a description. Neither holds a value.
/// </summary>
public sealed class SecretAnomaly
{
    /// <summary>Initializes a new instance of the <see cref="SecretAnomaly"/> class.</summary>
    /// <param name="kind">What was unusual.</param>
    /// <param name="record">The access that revealed it.</param>
    /// <param name="description">A human-readable explanation; must not hold a value.</param>
    public SecretAnomaly(SecretAnomalyKind kind, in SecretAuditRecord record, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        Kind = kind;
        Record = record;
        Description = description;
    }

    /// <summary>Gets what was unusual.</summary>
    public SecretAnomalyKind Kind { get; }

    /// <summary>Gets the audited access that revealed the anomaly.</summary>
    public SecretAuditRecord Record { get; }

    /// <summary>Gets a human-readable explanation (names, counts and times; never a value).</summary>
    public string Description { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Kind}: {Description}";
}

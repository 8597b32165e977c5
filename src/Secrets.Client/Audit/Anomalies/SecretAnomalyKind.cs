namespace Secrets.Client;

/// <summary>What an <see cref="AnomalyDetectingAuditSink"/> found unusual about an access.</summary>
public enum SecretAnomalyKind
{
    /// <summary>An access outside the configured working hours or days.</summary>
    OffHours,

    /// <summary>A principal (identity or operating-system user) that had not accessed this secret before.</summary>
    NewPrincipal,

    /// <summary>A host that had not accessed this secret before.</summary>
    NewHost,

    /// <summary>A process (by name, whatever its id) that had not accessed this secret before.</summary>
    NewProcess,

    /// <summary>More accesses of one secret within the burst window than the threshold allows.</summary>
    SecretBurst,

    /// <summary>More accesses by one principal, across secrets, within the burst window than the threshold allows.</summary>
    PrincipalBurst,

    /// <summary>Repeated denied or not-found accesses by one principal within the failure window: someone probing.</summary>
    RepeatedFailures,
}

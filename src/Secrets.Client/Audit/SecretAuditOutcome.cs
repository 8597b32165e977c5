namespace Secrets.Client;

/// <summary>How an audited access ended.</summary>
public enum SecretAuditOutcome
{
    /// <summary>The access succeeded.</summary>
    Success,

    /// <summary>The provider failed and the last good value was served instead (stale-if-error).</summary>
    StaleServed,

    /// <summary>The secret or version does not exist.</summary>
    NotFound,

    /// <summary>The identity or the environment scope forbade the access.</summary>
    AccessDenied,

    /// <summary>The provider was throttling or out of reach.</summary>
    Unavailable,

    /// <summary>The reference was invalid.</summary>
    InvalidReference,

    /// <summary>The value failed an integrity check or was not in the expected format.</summary>
    IntegrityFailure,

    /// <summary>Any other failure.</summary>
    Failed,
}

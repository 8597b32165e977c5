namespace Secrets.Client;

/// <summary>What kind of access an audit record describes.</summary>
public enum SecretAccessKind
{
    /// <summary>A read served from the cache.</summary>
    CacheHit,

    /// <summary>A read that went to the provider because the value was not cached (or had expired).</summary>
    Fetch,

    /// <summary>A background refresh (a version check, and a fetch when the version changed).</summary>
    Refresh,

    /// <summary>A metadata-only lookup.</summary>
    Metadata,

    /// <summary>A listing of secrets.</summary>
    List,

    /// <summary>A new value written.</summary>
    Write,

    /// <summary>A rotation requested.</summary>
    Rotate,

    /// <summary>
    /// A signature made by a key that never leaves its device (an HSM through PKCS#11). <c>SecretName</c> is the key,
    /// <c>Field</c> the mechanism and <c>Identity</c> the token.
    /// </summary>
    Sign,

    /// <summary>A change notification from a listener applied: a version check ran (and a fetch when the version moved).</summary>
    ChangeNotification,

    /// <summary>A secret version disabled so that the backend no longer serves it (after a leak); <c>Version</c> is that version.</summary>
    Disable,
}

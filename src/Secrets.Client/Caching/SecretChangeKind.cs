namespace Secrets.Client;

/// <summary>How a secret the store holds changed.</summary>
public enum SecretChangeKind
{
    /// <summary>The backend has a new value (a rotation or a write noticed by a refresh).</summary>
    Updated,

    /// <summary>
    /// The backend said the secret does not exist or may no longer be read: the store stopped serving it and wiped its
    /// value. Configuration and other holders of the value should drop it.
    /// </summary>
    Removed,
}

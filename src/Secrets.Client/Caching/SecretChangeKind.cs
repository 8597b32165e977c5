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

    /// <summary>A new value was written through the store (<see cref="SecretStore.SetSecretAsync"/>).</summary>
    Written,

    /// <summary>
    /// The store asked the backend to rotate the secret now (<see cref="SecretStore.RotateSecretAsync"/>). Backends that
    /// finish rotation later raise <see cref="Updated"/> when a check sees the new version.
    /// </summary>
    Rotated,

    /// <summary>The cached value was dropped (<see cref="SecretStore.Invalidate"/>): holders should read it again.</summary>
    Invalidated,
}

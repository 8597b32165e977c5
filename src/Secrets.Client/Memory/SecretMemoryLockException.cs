namespace Secrets.Client;

/// <summary>
/// Secret memory could not be locked in RAM and <see cref="SecretMemorySwitches.RequireLockedMemory"/> forbids
/// unlocked memory. Raise <c>RLIMIT_MEMLOCK</c> (<c>ulimit -l</c>, <c>LimitMEMLOCK=</c> in a systemd unit, a container's
/// <c>--ulimit memlock=</c>) or hold fewer secrets.
/// </summary>
public class SecretMemoryLockException : SecretStoreException
{
    /// <summary>Initializes a new instance of the <see cref="SecretMemoryLockException"/> class.</summary>
    public SecretMemoryLockException()
        : this("Secret memory could not be locked in RAM, and unlocked memory is refused (Secrets.Client.Memory.RequireLockedMemory).")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretMemoryLockException"/> class.</summary>
    /// <param name="message">The message.</param>
    public SecretMemoryLockException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SecretMemoryLockException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SecretMemoryLockException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

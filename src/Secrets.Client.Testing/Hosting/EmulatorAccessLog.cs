namespace Secrets.Client.Testing;

/// <summary>
/// The calls one or more emulators answered, in order. Give the same log to a secret-manager emulator (its options'
/// <see cref="EmulatorOptions.AccessLog"/>) and to an audit emulator, and the audit emulator serves those calls as its
/// service's audit records. Thread-safe.
/// </summary>
public sealed class EmulatorAccessLog
{
    private readonly Lock _gate = new();
    private readonly List<EmulatorAccess> _entries = [];

    /// <summary>Gets a snapshot of the calls recorded so far, oldest first.</summary>
    public IReadOnlyList<EmulatorAccess> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Records a call.</summary>
    /// <param name="access">The call.</param>
    public void Add(EmulatorAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        lock (_gate)
        {
            _entries.Add(access);
        }
    }
}

namespace Secrets.Client.Testing;

/// <summary>
/// The <see cref="EmulatorOptions"/> of an emulator whose public settings are not <see cref="EmulatorOptions"/> (the
/// identity emulators' <see cref="IdentityEmulatorOptions"/>) or that has none (Doppler, 1Password Connect): its port and clock.
/// </summary>
internal sealed class LoopbackHostOptions : EmulatorOptions
{
    public LoopbackHostOptions(int port = 0, TimeProvider? timeProvider = null)
    {
        Port = port;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Validate();
    }
}

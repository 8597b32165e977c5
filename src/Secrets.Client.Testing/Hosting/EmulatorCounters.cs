namespace Secrets.Client.Testing;

/// <summary>An emulator's typed counters: named views over its <see cref="EmulatorTraffic"/>.</summary>
public abstract class EmulatorCounters
{
    private protected EmulatorCounters(EmulatorTraffic traffic) => Traffic = traffic;

    private protected EmulatorTraffic Traffic { get; }

    /// <summary>Sets every counter to zero.</summary>
    public virtual void Reset() => Traffic.Reset();

    /// <inheritdoc/>
    public override string ToString() => Traffic.ToString();
}

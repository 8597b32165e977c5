namespace Secrets.Client.Emulator;

/// <summary>The part every kind shares: it owns one started emulator and stops it on dispose.</summary>
internal abstract class RunningEmulator : IRunningEmulator
{
    private readonly IAsyncDisposable _emulator;

    protected RunningEmulator(IAsyncDisposable emulator) => _emulator = emulator;

    public abstract IReadOnlyList<KeyValuePair<string, string>> Environment { get; }

    public virtual ValueTask DisposeAsync() => _emulator.DisposeAsync();
}

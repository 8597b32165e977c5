namespace Secrets.Client.Emulator;

/// <summary>One started emulator and the variables that describe it; on dispose it stops, and a file it owns (a certificate) is deleted.</summary>
internal sealed class RunningEmulator : IRunningEmulator
{
    private readonly IAsyncDisposable _emulator;
    private readonly string? _ownedFile;

    public RunningEmulator(IAsyncDisposable emulator, IReadOnlyList<KeyValuePair<string, string>> environment, string? ownedFile = null)
    {
        _emulator = emulator;
        _ownedFile = ownedFile;
        Environment = environment;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; }

    public async ValueTask DisposeAsync()
    {
        if (_ownedFile is not null)
        {
            File.Delete(_ownedFile);
        }

        await _emulator.DisposeAsync().ConfigureAwait(false);
    }
}

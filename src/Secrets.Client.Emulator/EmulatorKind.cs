using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// One kind of emulator the tool runs (a row of <see cref="EmulatorKinds"/>): how it starts from the command line's
/// settings. <see cref="Of{TEmulator}"/> builds the common row, a <see cref="LoopbackEmulator"/> described by the
/// variables its clients read; kinds with more parts (a certificate file, an identity platform) start themselves.
/// </summary>
internal sealed class EmulatorKind
{
    private readonly Func<EmulatorSettings, CancellationToken, Task<IRunningEmulator>> _start;

    public EmulatorKind(Func<EmulatorSettings, CancellationToken, Task<IRunningEmulator>> start) => _start = start;

    /// <summary>Describes a kind that starts a <typeparamref name="TEmulator"/> and prints <paramref name="describe"/>'s variables.</summary>
    /// <param name="start">Starts (and seeds) the emulator from the settings.</param>
    /// <param name="describe">The variables a client needs, in print order, read from the running emulator.</param>
    /// <param name="plainHttpOnly">Why <c>--https</c> is refused (the emulator serves plain HTTP), or null when it is allowed.</param>
    public static EmulatorKind Of<TEmulator>(
        Func<EmulatorSettings, CancellationToken, Task<TEmulator>> start,
        Func<TEmulator, IReadOnlyList<KeyValuePair<string, string>>> describe,
        string? plainHttpOnly = null)
        where TEmulator : LoopbackEmulator =>
        new(async (settings, cancellationToken) =>
        {
            if (settings.UseHttps && plainHttpOnly is not null)
            {
                throw new ArgumentException(plainHttpOnly + "; drop --https.");
            }

            var emulator = await start(settings, cancellationToken).ConfigureAwait(false);
            return new RunningEmulator(emulator, describe(emulator));
        });

    public Task<IRunningEmulator> StartAsync(EmulatorSettings settings, CancellationToken cancellationToken) => _start(settings, cancellationToken);
}

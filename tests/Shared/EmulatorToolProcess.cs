using System.Diagnostics;
using System.Globalization;

namespace Secrets.Client.Tests.Shared;

/// <summary>
/// Runs the standalone <c>secrets-emulator</c> (built next to the test assembly) as a separate process, reads the
/// <c>NAME=value</c> lines it prints, and stops it with SIGTERM as a user's shell would.
/// </summary>
internal sealed class EmulatorToolProcess : IAsyncDisposable
{
    private readonly Process _process;

    private EmulatorToolProcess(Process process, IReadOnlyDictionary<string, string> variables)
    {
        _process = process;
        Variables = variables;
    }

    /// <summary>Gets the variables the tool printed.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; }

    /// <summary>Starts <c>secrets-emulator {arguments}</c> and reads its first <paramref name="variableCount"/> lines.</summary>
    public static async Task<EmulatorToolProcess> StartAsync(int variableCount, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Secrets.Client.Emulator.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("secrets-emulator did not start.");
        var variables = new Dictionary<string, string>();
        while (variables.Count < variableCount && await process.StandardOutput.ReadLineAsync() is { } line)
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            variables[line[..equals]] = line[(equals + 1)..];
        }

        return new EmulatorToolProcess(process, variables);
    }

    /// <summary>Sends SIGTERM and waits for the tool to exit.</summary>
    /// <returns>Its exit code.</returns>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

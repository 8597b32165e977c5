using System.Diagnostics;
using System.Globalization;

namespace Secrets.Client.Emulator;

/// <summary>
/// <c>--print-env</c>: starts this tool again (without the flag) as a background process whose standard streams are
/// pipes this process drops on exit, reads the variables it prints, writes them as shell <c>export</c> lines with
/// <c>SECRETS_EMULATOR_PID</c>, and exits, so that <c>eval "$(…)"</c> returns while the emulator keeps serving.
/// </summary>
internal static class BackgroundLauncher
{
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Secrets.Client.Emulator.dll"));
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException("secrets-emulator could not start its background process.");
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await child.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { Length: > 0 } line)
        {
            lines.Add(line);
        }

        if (child.HasExited || lines.Count == 0)
        {
            await Console.Error.WriteLineAsync("secrets-emulator: the emulator did not start: " + await child.StandardError.ReadToEndAsync(timeout.Token).ConfigureAwait(false)).ConfigureAwait(false);
            return 1;
        }

        foreach (var line in lines)
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            await Console.Out.WriteLineAsync($"export {line[..equals]}={ShellQuote(line[(equals + 1)..])}").ConfigureAwait(false);
        }

        await Console.Out.WriteLineAsync("export SECRETS_EMULATOR_PID=" + child.Id.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>Single-quotes a value for a POSIX shell (a single quote inside becomes <c>'\''</c>).</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

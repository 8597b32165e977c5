using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Secrets.Client.Local;

/// <summary>
/// Runs a secret-printing command (<c>op read</c>, <c>doppler secrets download</c>, <c>direnv export json</c>): no shell,
/// an environment made only of what the command needs, stdout read as bytes into a wiped buffer (never a string),
/// stderr kept as diagnostic text, and the whole process tree killed when it outlives its timeout or the caller cancels.
/// </summary>
internal static partial class CliProcess
{
    private const int MaxErrorChars = 4096;

    /// <summary>Runs the command to its end.</summary>
    /// <param name="command">What to run.</param>
    /// <param name="provider">The provider name, for errors.</param>
    /// <param name="cancellationToken">Cancels the run; the child is killed.</param>
    /// <returns>The exit code and output; the caller disposes it.</returns>
    /// <exception cref="SecretToolNotFoundException">The executable does not exist or cannot be started.</exception>
    /// <exception cref="SecretUnavailableException">The child ran past its timeout and was killed, or printed too much.</exception>
    public static async Task<CliResult> RunAsync(CliCommand command, string provider, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (command.WorkingDirectory is not null)
        {
            start.WorkingDirectory = command.WorkingDirectory;
        }

        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in command.Environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("The process did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new SecretToolNotFoundException(command.Tool, command.FileName, provider, ex);
        }

        using (process)
        {
            process.StandardInput.Close();
            var output = new SecretOutputBuffer();
            using var timeout = new CancellationTokenSource(command.Timeout, command.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                var error = ReadErrorAsync(process.StandardError, linked.Token);
                await output.ReadFromAsync(process.StandardOutput.BaseStream, command.MaxOutputBytes, linked.Token).ConfigureAwait(false);
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
                return new CliResult(process.ExitCode, output, await error.ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                output.Dispose();
                Kill(process);
                if (ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new SecretUnavailableException(provider, secretName: null, $"'{command}' ({command.Tool}) did not finish within {command.Timeout.TotalSeconds:0.#} s and was killed.");
                }

                if (ex is InvalidDataException)
                {
                    throw new SecretUnavailableException(provider, secretName: null, $"'{command}' ({command.Tool}) printed more than {command.MaxOutputBytes} bytes and was killed.");
                }

                throw;
            }
        }
    }

    private static async Task<string> ReadErrorAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var builder = new StringBuilder();
        var chunk = new char[1024];
        int read;
        while ((read = await reader.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            // Keep reading (so the child never blocks on a full pipe) but remember only the tail.
            builder.Append(chunk, 0, read);
            if (builder.Length > MaxErrorChars * 2)
            {
                builder.Remove(0, builder.Length - MaxErrorChars);
            }
        }

        var text = builder.Length > MaxErrorChars ? builder.ToString(builder.Length - MaxErrorChars, MaxErrorChars) : builder.ToString();
        return AnsiEscape().Replace(text, string.Empty);
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited in the meantime.
        }
        catch (Win32Exception)
        {
            // It exited in the meantime, or cannot be signalled; nothing more can be done.
        }
    }

    [GeneratedRegex(@"\x1B\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();
}

namespace Secrets.Client.Local;

/// <summary>What a finished child printed: stdout as bytes in a wiped buffer, stderr as (non-secret) diagnostic text.</summary>
internal sealed class CliResult : IDisposable
{
    private readonly SecretOutputBuffer _output;

    public CliResult(int exitCode, SecretOutputBuffer output, string error)
    {
        ExitCode = exitCode;
        _output = output;
        Error = error;
    }

    /// <summary>Gets the child's exit code.</summary>
    public int ExitCode { get; }

    /// <summary>Gets the child's standard output; valid until disposed, then wiped.</summary>
    public ReadOnlySpan<byte> Output => _output.WrittenSpan;

    /// <summary>Gets the child's standard error, colour codes removed, at most a few kilobytes.</summary>
    public string Error { get; }

    /// <summary>Gets the last non-blank line of <see cref="Error"/>, for messages.</summary>
    public string LastErrorLine =>
        Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? string.Empty;

    /// <summary>Wipes the output.</summary>
    public void Dispose() => _output.Dispose();
}

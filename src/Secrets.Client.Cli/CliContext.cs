using System.Collections;

namespace Secrets.Client.Cli;

/// <summary>What a command runs against: its streams, environment and working directory (the process's, or a test's).</summary>
internal sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        Output = output;
        Error = error;
        Environment = environment;
        WorkingDirectory = workingDirectory;
    }

    /// <summary>Gets where results go (stdout): the only stream a revealed value may reach.</summary>
    public TextWriter Output { get; }

    /// <summary>Gets where progress, findings' explanations and errors go (stderr).</summary>
    public TextWriter Error { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public string WorkingDirectory { get; }

    /// <summary>Gets or sets a hook the tests use to see a started child process (signals).</summary>
    public Action<System.Diagnostics.Process>? ChildStarted { get; init; }

    /// <summary>
    /// Gets or sets how <c>leak</c> confirms that every running instance serves the new version (given the secret and
    /// that version); null reports the step as manual. Tests plug their app processes in here.
    /// </summary>
    public Func<SecretReference, string, CancellationToken, Task<LeakStep>>? ConfirmInstances { get; init; }

    public static CliContext FromProcess()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        return new CliContext(Console.Out, Console.Error, environment, Directory.GetCurrentDirectory());
    }

    public string? Variable(string name) => Environment.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);
}

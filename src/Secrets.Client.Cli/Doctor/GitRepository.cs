using System.Diagnostics;

namespace Secrets.Client.Cli;

/// <summary>The few git questions doctor asks, through the <c>git</c> command.</summary>
internal sealed class GitRepository
{
    private readonly string _root;

    public GitRepository(string root) => _root = root;

    public bool IsRepository => Run(["rev-parse", "--is-inside-work-tree"], out var output) == 0 && output.Trim() == "true";

    /// <summary>Tracked files, relative with '/' separators.</summary>
    public IReadOnlyList<string> TrackedFiles()
    {
        _ = Run(["ls-files", "-z"], out var output);
        return [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>Whether git would ignore this (relative) path.</summary>
    public bool IsIgnored(string path) => Run(["check-ignore", "-q", "--no-index", path], out _) == 0;

    private int Run(string[] arguments, out string output)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _root };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(_root);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEnd();
            process.WaitForExit();
            output = stdout.GetAwaiter().GetResult();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            output = string.Empty;
            return -1;
        }
    }
}

using System.Diagnostics;

namespace Secrets.Client.Tests.Shared;

/// <summary>
/// Runs a judge script (an official client under <c>tests/judges</c>) with Node and returns what it printed. Compiled
/// into every test project (see Directory.Build.props), so that each keeps only its own script's arguments.
/// </summary>
internal static class NodeJudgeProcess
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>Gets the repository root (the folder holding <c>Secrets.Client.sln</c>).</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>Gets <c>tests/judges</c>.</summary>
    public static string JudgesDirectory => Path.Combine(RepositoryRoot, "tests", "judges");

    /// <summary>Runs <c>node tests/judges/{script} {arguments}</c> and returns its standard output.</summary>
    /// <param name="script">The script, relative to <c>tests/judges</c>.</param>
    /// <param name="requiredModules">npm packages the script needs; a missing one fails with how to install the judges.</param>
    /// <param name="arguments">The script's arguments.</param>
    /// <param name="input">Text for its standard input, if any.</param>
    /// <param name="environment">Variables to set, or to remove from the inherited environment when the value is null.</param>
    /// <returns>The standard output.</returns>
    public static async Task<string> RunAsync(
        string script,
        IReadOnlyList<string> requiredModules,
        IEnumerable<string> arguments,
        string? input = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var judges = JudgesDirectory;
        foreach (var module in requiredModules)
        {
            if (!Directory.Exists(Path.Combine(judges, "node_modules", module)))
            {
                throw new InvalidOperationException($"The npm judges are not installed (no {module}): run scripts/setup.d/10-node-judges.sh (./test.sh does).");
            }
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = judges,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(judges, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Judge {script} exited with {process.ExitCode}: {await error}\n{await output}");
        }

        return await output;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Secrets.Client.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Secrets.Client.sln not found above " + AppContext.BaseDirectory);
    }
}

using System.Diagnostics;
using System.Text.Json;

namespace Secrets.Client.Local.Tests;

/// <summary>Runs a judge script under tests/judges with node and returns the key/value map it prints.</summary>
internal static class NodeJudge
{
    /// <summary>Environment variables visible to the expansion judge (it only passes on JUDGE_* names) and to our provider.</summary>
    public static readonly IReadOnlyDictionary<string, string> JudgeEnvironment = new Dictionary<string, string>
    {
        ["JUDGE_HOME"] = "/home/judge",
        ["JUDGE_USER"] = "judge-user",
    };

    public static async Task<Dictionary<string, string>> RunAsync(string script, string file) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(await RunRawAsync(script, [file]))!;

    /// <summary>Runs parse.mjs over many files at once (it then prints an array).</summary>
    public static async Task<List<Dictionary<string, string>>> RunManyAsync(string script, IReadOnlyList<string> files) =>
        JsonSerializer.Deserialize<List<Dictionary<string, string>>>(await RunRawAsync(script, files))!;

    private static async Task<string> RunRawAsync(string script, IReadOnlyList<string> files)
    {
        var scriptPath = Path.Combine(RepositoryPaths.Judges, "dotenv", script);
        Assert.True(
            Directory.Exists(Path.Combine(RepositoryPaths.Judges, "node_modules", "dotenv")) &&
            Directory.Exists(Path.Combine(RepositoryPaths.Judges, "node_modules", "dotenv-expand")),
            "The npm judges are not installed: run scripts/setup.d/10-node-judges.sh (./test.sh does).");

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Judges,
        };
        start.ArgumentList.Add(scriptPath);
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        foreach (var (name, value) in JudgeEnvironment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"node {script} failed: {await error}");
        return await output;
    }
}

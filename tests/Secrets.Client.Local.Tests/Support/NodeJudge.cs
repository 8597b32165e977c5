using System.Text.Json;
using Secrets.Client.Tests.Shared;

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

    private static Task<string> RunRawAsync(string script, IReadOnlyList<string> files) =>
        NodeJudgeProcess.RunAsync(
            Path.Combine("dotenv", script),
            ["dotenv", "dotenv-expand"],
            files,
            environment: JudgeEnvironment.ToDictionary(pair => pair.Key, pair => (string?)pair.Value));
}

using System.Text.Json;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Vault.Tests.Judges;

/// <summary>Runs a judge script from <c>tests/judges</c> with Node and parses the JSON it prints last.</summary>
internal static class NodeJudge
{
    // node-vault would otherwise pick these up from the test runner's environment.
    private static readonly Dictionary<string, string?> IgnoredVariables = new()
    {
        ["VAULT_TOKEN"] = null,
        ["VAULT_NAMESPACE"] = null,
        ["VAULT_PREFIX"] = null,
    };

    public static string RepositoryRoot => NodeJudgeProcess.RepositoryRoot;

    public static async Task<JsonElement> RunAsync(string script, params string[] arguments)
    {
        var output = await NodeJudgeProcess.RunAsync(script, ["node-vault"], arguments, environment: IgnoredVariables);
        using var document = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return document.RootElement.Clone();
    }
}

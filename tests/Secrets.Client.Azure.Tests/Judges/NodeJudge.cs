using System.Text.Json;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Azure.Tests.Judges;

/// <summary>Runs a judge script from <c>tests/judges</c> with Node and parses the JSON it prints last.</summary>
internal static class NodeJudge
{
    public static string RepositoryRoot => NodeJudgeProcess.RepositoryRoot;

    public static async Task<JsonElement> RunAsync(string script, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var output = await NodeJudgeProcess.RunAsync(script, ["@azure/keyvault-secrets"], arguments, environment: environment.ToDictionary(pair => pair.Key, pair => (string?)pair.Value));
        using var document = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return document.RootElement.Clone();
    }
}

using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Aws.Tests;

/// <summary>Runs a judge script under tests/judges with node and returns its standard output.</summary>
internal static class NodeJudge
{
    public static Task<string> RunAsync(string script, string? input, params string[] arguments) =>
        NodeJudgeProcess.RunAsync(script, ["@aws-sdk/client-secrets-manager", "@smithy/signature-v4"], arguments, input);
}

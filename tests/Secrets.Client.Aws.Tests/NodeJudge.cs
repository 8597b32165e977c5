using System.Diagnostics;

namespace Secrets.Client.Aws.Tests;

/// <summary>Runs a judge script under tests/judges with node and returns its standard output.</summary>
internal static class NodeJudge
{
    public static async Task<string> RunAsync(string script, string? input, params string[] arguments)
    {
        var root = TestSupport.FindRepoRoot();
        var judges = Path.Combine(root, "tests", "judges");
        Assert.True(Directory.Exists(Path.Combine(judges, "node_modules")), "Run scripts/setup.d/10-node-judges.sh to install the npm judges.");
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

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node {script} failed ({process.ExitCode}): {await error}");
        return await output;
    }
}

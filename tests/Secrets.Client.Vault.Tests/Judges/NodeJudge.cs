using System.Diagnostics;
using System.Text.Json;

namespace Secrets.Client.Vault.Tests.Judges;

/// <summary>Runs a judge script from <c>tests/judges</c> with Node and parses the JSON it prints.</summary>
internal static class NodeJudge
{
    public static string RepositoryRoot
    {
        get
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

    public static async Task<JsonElement> RunAsync(string script, params string[] arguments)
    {
        var judges = Path.Combine(RepositoryRoot, "tests", "judges");
        if (!Directory.Exists(Path.Combine(judges, "node_modules", "node-vault")))
        {
            throw new InvalidOperationException("The npm judges are not installed: run scripts/setup.d/10-node-judges.sh (./test.sh does).");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = judges,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(judges, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // node-vault would otherwise pick these up from the test runner's environment.
        start.Environment.Remove("VAULT_TOKEN");
        start.Environment.Remove("VAULT_NAMESPACE");
        start.Environment.Remove("VAULT_PREFIX");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Judge {script} exited with {process.ExitCode}: {await stderr}\n{output}");
        }

        using var document = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return document.RootElement.Clone();
    }
}

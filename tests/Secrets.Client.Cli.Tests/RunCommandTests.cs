using System.Diagnostics;

namespace Secrets.Client.Cli.Tests;

public sealed class RunCommandTests
{
    [Fact]
    public async Task The_child_gets_the_referenced_secrets_and_its_exit_code_is_returned()
    {
        await using var cli = await CliHarness.StartAsync();
        cli.Aws.CreateSecret("app/db", $$"""{"password":"{{CliHarness.Canary}}"}""");
        await File.WriteAllTextAsync(Path.Combine(cli.Root, "refs.env"), "# references only\nDB_PASSWORD=aws-sm://app/db#password\nexport PLAIN_REF=\"aws-sm://app/db\"\n");

        var (ok, output, error) = await cli.RunAsync("run", "--env-file", "refs.env", "--", "bash", "-c",
            $"[ \"$DB_PASSWORD\" = '{CliHarness.Canary}' ] && [ -n \"$PLAIN_REF\" ] && exit 0 || exit 9");
        var (failed, _, _) = await cli.RunAsync("run", "--env-file", "refs.env", "--", "bash", "-c", "exit 42");

        Assert.Equal(0, ok);
        Assert.Equal(42, failed);
        Assert.DoesNotContain(CliHarness.Canary, output + error);
    }

    [Fact]
    public async Task Production_references_are_refused_unless_the_run_is_scoped()
    {
        await using var cli = await CliHarness.StartAsync();
        cli.Aws.CreateSecret("prod/db", CliHarness.Canary);
        await File.WriteAllTextAsync(Path.Combine(cli.Root, "refs.env"), "DB=aws-sm://prod/db?env=Production\n");

        var (exit, _, error) = await cli.RunAsync("run", "--env-file", "refs.env", "--", "bash", "-c", "exit 0");

        Assert.Equal(4, exit);
        Assert.Contains("--environment Production", error);
    }

    [Fact]
    public async Task A_value_in_the_env_file_is_rejected_without_being_echoed()
    {
        await using var cli = await CliHarness.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(cli.Root, "refs.env"), $"DB={CliHarness.Canary}\n");

        var (exit, output, error) = await cli.RunAsync("run", "--env-file", "refs.env", "--", "true");

        Assert.Equal(2, exit);
        Assert.Contains("refs.env:1", error);
        Assert.DoesNotContain(CliHarness.Canary, output + error);
    }

    [Fact]
    public async Task SIGTERM_to_the_tool_reaches_the_child_and_the_childs_exit_code_comes_back()
    {
        await using var cli = await CliHarness.StartAsync();
        cli.Aws.CreateSecret("app/db", CliHarness.Canary);
        await File.WriteAllTextAsync(Path.Combine(cli.Root, "refs.env"), "DB=aws-sm://app/db\n");
        var fifo = Path.Combine(cli.Root, "ready");
        Assert.Equal(0, Process.Start("mkfifo", [fifo])!.WaitForExitAndGetCode());

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = cli.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CliHarness.ToolPath);
        foreach (var argument in new[] { "run", "--env-file", "refs.env", "--", "bash", "-c",
            $"trap 'kill $! 2>/dev/null; exit 42' TERM; sleep 1000 & echo ready > '{fifo}'; wait $!; exit 0" })
        {
            start.ArgumentList.Add(argument);
        }

        using var tool = Process.Start(start)!;
        var stdout = tool.StandardOutput.ReadToEndAsync();
        var stderr = tool.StandardError.ReadToEndAsync();
        var ready = Task.Run(() => File.ReadAllText(fifo)); // opening a FIFO blocks: completes when the child is up with its trap set
        var exited = tool.WaitForExitAsync();
        Assert.Same(ready, await Task.WhenAny(ready, exited));
        Assert.Equal("ready", (await ready).Trim());
        Assert.Equal(0, Process.Start("kill", ["-TERM", tool.Id.ToString()])!.WaitForExitAndGetCode());
        await tool.WaitForExitAsync();

        Assert.Equal(42, tool.ExitCode);
        Assert.DoesNotContain(CliHarness.Canary, await stdout + await stderr);
    }
}

internal static class ProcessExtensions
{
    public static int WaitForExitAndGetCode(this Process process)
    {
        using (process)
        {
            process.WaitForExit();
            return process.ExitCode;
        }
    }
}

namespace Secrets.Client.Cli.Tests;

/// <summary>Runs every command against a canary value and scans all their output: only <c>get --reveal</c> may print it.</summary>
public sealed class CanaryTests
{
    [Fact]
    public async Task No_command_but_get_reveal_prints_the_value()
    {
        await using var cli = await CliHarness.StartAsync(secrets => secrets["AuditSources"] = new Dictionary<string, object>());
        cli.Aws.CreateSecret("app/db", CliHarness.Canary);
        cli.Aws.CreateSecret("app/json", $$"""{"password":"{{CliHarness.Canary}}"}""");
        cli.Aws.CreateSecret("app/kept", CliHarness.Canary);
        await File.WriteAllTextAsync(Path.Combine(cli.Root, "refs.env"), "A=aws-sm://app/db\nB=aws-sm://app/json#password\n");
        await File.WriteAllTextAsync(Path.Combine(cli.Root, "bad.env"), $"A={CliHarness.Canary}\n");
        var since = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O");

        string[][] commands =
        [
            ["get", "aws-sm://app/db"], ["get", "aws-sm://app/db", "--json"], ["get", "aws-sm://app/json#password"],
            ["list"], ["list", "aws-sm", "--json"],
            ["run", "--env-file", "refs.env", "--", "bash", "-c", "exit 0"], ["run", "--env-file", "bad.env", "--", "true"],
            ["rotate", "aws-sm://app/json"], ["rotate", "aws-sm://app/json", "--json"],
            ["leak", "aws-sm://app/db", "--since", since], ["leak", "aws-sm://app/db", "--since", since, "--json", "--no-rotate"],
            ["doctor", "--offline"], ["doctor", "--json", "--scope", "providers"],
            ["get", "aws-sm://no/such"], ["--help"], ["leak", "--help"],
        ];
        foreach (var command in commands)
        {
            await cli.RunAsync(command);
        }

        var all = string.Concat(cli.AllOutput);
        Assert.Contains("leak response", all); // the commands ran and printed
        Assert.DoesNotContain(CliHarness.Canary, all);
        Assert.Equal(CliHarness.Canary, (await cli.RunAsync("get", "aws-sm://app/kept", "--reveal")).Output);
    }
}

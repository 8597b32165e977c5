using System.Text.Json;

namespace Secrets.Client.Cli.Tests;

public sealed class CommandTests
{
    [Fact]
    public async Task Get_prints_metadata_and_size_but_never_the_value()
    {
        await using var cli = await CliHarness.StartAsync();
        cli.Aws.CreateSecret("app/db", CliHarness.Canary);
        var version = cli.Aws.GetVersionId("app/db");

        var (exit, output, error) = await cli.RunAsync("get", "aws-sm://app/db", "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("aws-sm", json.RootElement.GetProperty("provider").GetString());
        Assert.Equal(version, json.RootElement.GetProperty("version").GetString());
        Assert.Contains("AWSCURRENT", json.RootElement.GetProperty("stages").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(CliHarness.Canary.Length, json.RootElement.GetProperty("size").GetInt32());
        Assert.DoesNotContain(CliHarness.Canary, output + error);
    }

    [Fact]
    public async Task Get_reveal_prints_exactly_the_value_to_stdout()
    {
        await using var cli = await CliHarness.StartAsync();
        cli.Aws.CreateSecret("app/db", CliHarness.Canary);

        var (exit, output, error) = await cli.RunAsync("get", "aws-sm://app/db", "--reveal");

        Assert.Equal(0, exit);
        Assert.Equal(CliHarness.Canary, output);
        Assert.DoesNotContain(CliHarness.Canary, error);
    }

    [Fact]
    public async Task List_and_rotate_show_names_and_versions()
    {
        await using var cli = await CliHarness.StartAsync();
        cli.Aws.CreateSecret("app/db", CliHarness.Canary);
        cli.Aws.CreateSecret("app/api", CliHarness.Canary + "-api");
        cli.Aws.CreateSecret("other/x", "x");
        var before = cli.Aws.GetVersionId("app/db");

        var (listExit, list, _) = await cli.RunAsync("list", "aws-sm", "--prefix", "app/");
        var (rotateExit, rotated, _) = await cli.RunAsync("rotate", "aws-sm://app/db", "--json");

        Assert.Equal(0, listExit);
        Assert.Contains("aws-sm://app/db", list);
        Assert.Contains("aws-sm://app/api", list);
        Assert.DoesNotContain("other/x", list);
        Assert.Equal(0, rotateExit);
        var after = cli.Aws.GetVersionId("app/db");
        Assert.NotEqual(before, after);
        using var json = JsonDocument.Parse(rotated);
        Assert.Equal(after, json.RootElement.GetProperty("version").GetString());
        Assert.DoesNotContain(CliHarness.Canary, string.Concat(cli.AllOutput));
    }

    [Fact]
    public async Task Rotate_generate_writes_a_new_random_version_of_the_given_length()
    {
        await using var cli = await CliHarness.StartAsync();
        cli.Aws.CreateSecret("app/db", CliHarness.Canary);
        var before = cli.Aws.GetVersionId("app/db");

        var (exit, _, _) = await cli.RunAsync("rotate", "aws-sm://app/db", "--generate", "24");
        var (_, metadata, _) = await cli.RunAsync("get", "aws-sm://app/db", "--json");
        var (_, revealed, _) = await cli.RunAsync("get", "aws-sm://app/db", "--reveal");

        Assert.Equal(0, exit);
        Assert.NotEqual(before, cli.Aws.GetVersionId("app/db"));
        using var json = JsonDocument.Parse(metadata);
        Assert.Equal(24, json.RootElement.GetProperty("size").GetInt32());
        Assert.Matches("^[A-Za-z0-9]{24}$", revealed);
        Assert.Equal(2, (await cli.RunAsync("rotate", "aws-sm://app/db", "--generate", "8")).ExitCode);
    }

    [Fact]
    public async Task Doctor_names_each_providers_credential_and_flags_one_that_cannot_reach_its_backend()
    {
        await using var cli = await CliHarness.StartAsync();

        var (reached, _, notes) = await cli.RunAsync("doctor", "--scope", "providers");
        var (unreachable, findings, _) = await cli.RunAsync("doctor", "--scope", "providers", "--json", "--set", "Secrets:Providers:aws-sm:Endpoint=http://127.0.0.1:9/");

        Assert.Equal(0, reached);
        Assert.Contains("provider aws-sm: credential", notes);
        Assert.Contains("reaches its backend", notes);
        Assert.Equal(6, unreachable);
        using var json = JsonDocument.Parse(findings);
        Assert.Equal("provider-unreachable", Assert.Single(json.RootElement.EnumerateArray()).GetProperty("check").GetString());
    }

    [Fact]
    public async Task Failures_map_to_documented_exit_codes()
    {
        await using var cli = await CliHarness.StartAsync();

        Assert.Equal(3, (await cli.RunAsync("get", "aws-sm://no/such")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("get")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("get", "nosuchprovider://x")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("leak", "aws-sm://x", "--since", "not-a-time")).ExitCode);
    }

    [Fact]
    public async Task The_tools_own_reads_land_in_the_durable_audit_trail()
    {
        await using var cli = await CliHarness.StartAsync();
        cli.Aws.CreateSecret("app/db", CliHarness.Canary);

        Assert.Equal(0, (await cli.RunAsync("get", "aws-sm://app/db")).ExitCode);

        var records = new JsonLinesSecretAuditReader(cli.AuditDirectory).Read();
        var fetch = Assert.Single(records, r => r.Kind == SecretAccessKind.Fetch);
        Assert.Equal("app/db", fetch.SecretName);
        Assert.Equal(cli.Aws.GetVersionId("app/db"), fetch.Version);
        foreach (var file in Directory.EnumerateFiles(cli.AuditDirectory))
        {
            Assert.DoesNotContain(CliHarness.Canary, await File.ReadAllTextAsync(file));
        }
    }
}

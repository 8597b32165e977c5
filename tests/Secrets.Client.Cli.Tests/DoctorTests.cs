using System.Diagnostics;
using System.Text.Json;
using Secrets.Client.Cli;

namespace Secrets.Client.Cli.Tests;

public sealed class DoctorTests
{
    // Planted values are built at run time so that this file itself holds no literal a scanner would flag.
    private static readonly string PlantedAwsKey = "AKIA" + "QWERTYUIOPASDFGH";
    private static readonly string PlantedPassword = "hI8#kLm2" + "pQ9zX4vB7nR1";

    private static void Git(string root, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-c", "user.email=t@example.invalid", "-c", "user.name=t" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);
    }

    private static string Repository(Action<string> plant)
    {
        var root = Directory.CreateTempSubdirectory("doctor-").FullName;
        Git(root, "init", "-q");
        plant(root);
        Git(root, "add", "-A", "-f");
        Git(root, "commit", "-q", "-m", "fixture");
        return root;
    }

    private static async Task<(int Exit, JsonDocument Findings, string All)> DoctorAsync(string root, params string[] extra)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }, root);
        var exit = await SecretsCommandLine.RunAsync(["doctor", "--json", "--offline", "--scope", "repository", "--scope", "providers", .. extra], context);
        return (exit, JsonDocument.Parse(output.ToString()), output.ToString() + error);
    }

    [Fact]
    public async Task Finds_each_planted_problem_with_a_fix_and_never_prints_the_value()
    {
        var root = Repository(root =>
        {
            File.WriteAllText(Path.Combine(root, ".env"), "API_TOKEN=local\n");
            File.WriteAllText(Path.Combine(root, "Dockerfile"), "FROM scratch\nCOPY . .\n");
            File.WriteAllText(Path.Combine(root, "settings.py"), $"AWS_KEY = \"{PlantedAwsKey}\"\nok = 1\ndb_password = \"{PlantedPassword}\"\n");
            File.WriteAllText(Path.Combine(root, "appsettings.Development.json"), """{"ConnectionStrings":{"Db":"aws-sm://prod/db?env=Production#url"}}""");
        });

        var (exit, findings, all) = await DoctorAsync(root);

        Assert.Equal(6, exit);
        var found = findings.RootElement.EnumerateArray().Select(f => (Check: f.GetProperty("check").GetString(), Path: f.GetProperty("path").GetString(),
            Line: f.TryGetProperty("line", out var line) ? line.GetInt32() : 0, Fix: f.GetProperty("fix").GetString())).ToList();
        Assert.Contains(found, f => f.Check == "env-file-tracked" && f.Path == ".env");
        Assert.Contains(found, f => f.Check == "env-file-not-ignored" && f.Path == ".gitignore");
        Assert.Contains(found, f => f.Check == "env-file-not-dockerignored" && f.Path == ".dockerignore");
        Assert.Contains(found, f => f.Check == "hardcoded-secret" && f.Path == "settings.py" && f.Line == 1);
        Assert.Contains(found, f => f.Check == "hardcoded-secret" && f.Path == "settings.py" && f.Line == 3);
        Assert.Contains(found, f => f.Check == "production-reference-in-development" && f.Path == "appsettings.Development.json");
        Assert.DoesNotContain(found, f => f.Check == "hardcoded-secret" && f.Line == 2);
        Assert.All(found, f => Assert.False(string.IsNullOrWhiteSpace(f.Fix)));
        Assert.DoesNotContain(PlantedAwsKey, all);
        Assert.DoesNotContain(PlantedPassword, all);
        Directory.Delete(root, true);
    }

    [Fact]
    public async Task Finds_nothing_in_a_clean_repository()
    {
        var root = Repository(root =>
        {
            File.WriteAllText(Path.Combine(root, ".gitignore"), ".env\n.env.*\n!.env.example\n.envrc\n");
            File.WriteAllText(Path.Combine(root, ".dockerignore"), "**/.env\n**/.envrc\n");
            File.WriteAllText(Path.Combine(root, "Dockerfile"), "FROM scratch\n");
            File.WriteAllText(Path.Combine(root, ".env.example"), "DB_PASSWORD=aws-sm://dev/db#password\n");
            File.WriteAllText(Path.Combine(root, "app.py"), "password = os.environ['DB_PASSWORD']\ntoken_url = \"https://login.example.invalid/oauth2/token\"\n");
            File.WriteAllText(Path.Combine(root, "appsettings.json"), """{"ConnectionStrings":{"Db":"aws-sm://dev/db?env=Development#url"}}""");
        });

        var (exit, findings, _) = await DoctorAsync(root);

        Assert.Equal(0, exit);
        Assert.Empty(findings.RootElement.EnumerateArray());
        Directory.Delete(root, true);
    }

    [Fact]
    public async Task The_allow_list_drops_deliberate_fixtures()
    {
        var root = Repository(root =>
        {
            File.WriteAllText(Path.Combine(root, ".gitignore"), ".env\n.envrc\n");
            Directory.CreateDirectory(Path.Combine(root, "tests", "corpus"));
            File.WriteAllText(Path.Combine(root, "tests", "corpus", ".env"), "A=1\n");
            File.WriteAllText(Path.Combine(root, DoctorAllowList.DefaultFileName), "# fixtures\nenv-file-tracked tests/**\n");
        });

        var (exit, findings, _) = await DoctorAsync(root);

        Assert.Equal(0, exit);
        Assert.Empty(findings.RootElement.EnumerateArray());
        Directory.Delete(root, true);
    }

    [Fact]
    public async Task This_repository_is_clean_with_its_fixtures_allow_listed()
    {
        var root = AppContext.BaseDirectory;
        while (!Directory.Exists(Path.Combine(root, ".git")) && !File.Exists(Path.Combine(root, ".git")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar))!;
        }

        using var output = new StringWriter();
        var context = new CliContext(output, TextWriter.Null, new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH")! }, root);
        var exit = await SecretsCommandLine.RunAsync(["doctor", "--json", "--offline", "--scope", "repository"], context);

        Assert.True(exit == 0, output.ToString());
    }

    [Fact]
    public void Machine_checks_read_the_memlock_and_core_limits()
    {
        var limits = Path.GetTempFileName();
        File.WriteAllText(limits, "Limit                     Soft Limit           Hard Limit           Units\nMax core file size        unlimited            unlimited            bytes\nMax locked memory         65536                65536                bytes\n");
        var context = new CliContext(TextWriter.Null, TextWriter.Null, new Dictionary<string, string>(), Path.GetTempPath());

        var findings = MachineChecks.Run(context, limits).Select(f => f.Check).ToList();
        File.WriteAllText(limits, "Max core file size        0                    unlimited            bytes\nMax locked memory         unlimited            unlimited            bytes\n");
        var clean = MachineChecks.Run(context, limits).ToList();

        Assert.Contains(MachineChecks.Memlock, findings);
        Assert.Contains(MachineChecks.CoreDumps, findings);
        Assert.Empty(clean);
        File.Delete(limits);
    }
}

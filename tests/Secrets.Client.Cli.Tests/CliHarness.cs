using System.Text.Json;
using Secrets.Client.Cli;
using Secrets.Client.Testing;

namespace Secrets.Client.Cli.Tests;

/// <summary>An AWS Secrets Manager emulator, a folder with the app's appsettings.json and an AWS profile for it, and the tool run in-process.</summary>
internal sealed class CliHarness : IAsyncDisposable
{
    public const string Canary = "canary-7f3a9c1e-do-not-print";

    private CliHarness(AwsSecretsManagerEmulator aws, string root)
    {
        Aws = aws;
        Root = root;
    }

    /// <summary>Gets the tool as built in its own folder (with its dependencies), for tests that run it as a process.</summary>
    public static string ToolPath { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Secrets.Client.Cli", "bin",
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name, "net10.0", "Secrets.Client.Cli.dll"));

    public AwsSecretsManagerEmulator Aws { get; }

    public string Root { get; }

    public string AuditDirectory => Path.Combine(Root, "audit");

    public string CredentialsFile => Path.Combine(Root, "aws-credentials");

    public List<string> AllOutput { get; } = [];

    public static async Task<CliHarness> StartAsync(Action<Dictionary<string, object>>? configure = null)
    {
        var aws = await AwsSecretsManagerEmulator.StartAsync();
        var root = Directory.CreateTempSubdirectory("secrets-cli-").FullName;
        var harness = new CliHarness(aws, root);
        await File.WriteAllTextAsync(harness.CredentialsFile, $"[emu]\naws_access_key_id = {aws.AccessKeyId}\naws_secret_access_key = {aws.SecretAccessKey}\n");
        var secrets = new Dictionary<string, object>
        {
            ["Environment"] = "Development",
            ["Providers"] = new Dictionary<string, object>
            {
                ["aws-sm"] = new Dictionary<string, object>
                {
                    ["Type"] = "aws",
                    ["Region"] = aws.Region,
                    ["Endpoint"] = aws.Endpoint.ToString(),
                    ["Profile"] = "emu",
                    ["ProfilesLocation"] = harness.CredentialsFile,
                },
            },
            ["Audit"] = new Dictionary<string, object> { ["Directory"] = harness.AuditDirectory },
        };
        configure?.Invoke(secrets);
        await File.WriteAllTextAsync(Path.Combine(root, "appsettings.json"), JsonSerializer.Serialize(new Dictionary<string, object> { ["Secrets"] = secrets }));
        return harness;
    }

    public async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin", ["HOME"] = Root };
        var context = new CliContext(output, error, environment, Root);
        var exit = await SecretsCommandLine.RunAsync(args, context);
        AllOutput.Add(output.ToString());
        AllOutput.Add(error.ToString());
        return (exit, output.ToString(), error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await Aws.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}

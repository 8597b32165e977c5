using System.Diagnostics;
using Amazon.Runtime;
using static Secrets.Client.Aws.Tests.TestSupport;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Aws.Tests;

/// <summary>The standalone <c>secrets-emulator aws</c> process prints what a client needs and serves the protocol.</summary>
public sealed class EmulatorToolTests
{
    [Fact]
    public async Task Prints_endpoint_and_credentials_serves_requests_and_stops_on_sigterm()
    {
        await using var tool = await EmulatorToolProcess.StartAsync(4, "aws", "--port", "0", "--region", "eu-west-2");
        var variables = tool.Variables;

        Assert.StartsWith("http://127.0.0.1:", variables["AWS_ENDPOINT_URL_SECRETS_MANAGER"], StringComparison.Ordinal);
        Assert.Equal("eu-west-2", variables["AWS_REGION"]);
        await using var provider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
        {
            Region = variables["AWS_REGION"],
            Endpoint = new Uri(variables["AWS_ENDPOINT_URL_SECRETS_MANAGER"]),
            Credentials = new BasicAWSCredentials(variables["AWS_ACCESS_KEY_ID"], variables["AWS_SECRET_ACCESS_KEY"]),
        });

        using (var value = SecretValue.FromText("from-the-tool"))
        {
            await provider.SetSecretAsync("tool/secret", value);
        }

        using var secret = await provider.GetSecretAsync(Ref("tool/secret"));
        Assert.Equal("from-the-tool", Text(secret));

        Assert.Equal(0, await tool.StopAsync());
    }

    [Fact]
    public async Task Print_env_prints_shell_exports_and_exits_while_the_seeded_emulator_keeps_serving()
    {
        var seed = Path.Combine(Path.GetTempPath(), $"seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(seed, """{"secrets":[{"name":"app/db","versions":[{"value":"v1"},{"value":"it's v2"}],"tags":{"env":"dev"}}]}""");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Secrets.Client.Emulator.dll"), "aws", "--port", "0", "--seed", seed, "--print-env" })
        {
            start.ArgumentList.Add(argument);
        }

        using var launcher = Process.Start(start)!;
        var output = await launcher.StandardOutput.ReadToEndAsync();
        await launcher.WaitForExitAsync();
        File.Delete(seed);
        Assert.Equal(0, launcher.ExitCode);
        var exports = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => Assert.IsType<string>(line.StartsWith("export ", StringComparison.Ordinal) ? line["export ".Length..] : null))
            .ToDictionary(line => line[..line.IndexOf('=', StringComparison.Ordinal)], line => line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim('\''));
        using var background = Process.GetProcessById(int.Parse(exports["SECRETS_EMULATOR_PID"], System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            await using var provider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
            {
                Region = exports["AWS_REGION"],
                Endpoint = new Uri(exports["AWS_ENDPOINT_URL_SECRETS_MANAGER"]),
                Credentials = new BasicAWSCredentials(exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"]),
            });
            using var current = await provider.GetSecretAsync(Ref("app/db"));
            using var previous = await provider.GetSecretAsync(Ref("app/db", stage: "AWSPREVIOUS"));
            Assert.Equal("it's v2", Text(current));
            Assert.Equal("v1", Text(previous));
        }
        finally
        {
            background.Kill();
            await background.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Unknown_kind_prints_usage_and_fails()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Secrets.Client.Emulator.dll"));
        start.ArgumentList.Add("gcp-nope");
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("usage: secrets-emulator <aws", error, StringComparison.Ordinal);
    }
}

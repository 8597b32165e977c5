using System.Diagnostics;
using Amazon.Runtime;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

/// <summary>The standalone <c>secrets-emulator aws</c> process prints what a client needs and serves the protocol.</summary>
public sealed class EmulatorToolTests
{
    [Fact]
    public async Task Prints_endpoint_and_credentials_serves_requests_and_stops_on_sigterm()
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "Secrets.Client.Emulator.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(tool);
        start.ArgumentList.Add("aws");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add("0");
        start.ArgumentList.Add("--region");
        start.ArgumentList.Add("eu-west-2");
        using var process = Process.Start(start)!;
        try
        {
            var variables = new Dictionary<string, string>();
            while (variables.Count < 4 && await process.StandardOutput.ReadLineAsync() is { } line)
            {
                var equals = line.IndexOf('=', StringComparison.Ordinal);
                variables[line[..equals]] = line[(equals + 1)..];
            }

            Assert.StartsWith("http://127.0.0.1:", variables["AWS_ENDPOINT_URL"], StringComparison.Ordinal);
            Assert.Equal("eu-west-2", variables["AWS_REGION"]);
            await using var provider = new AwsSecretsManagerProvider(new AwsSecretsManagerProviderOptions
            {
                Region = variables["AWS_REGION"],
                ServiceUrl = new Uri(variables["AWS_ENDPOINT_URL"]),
                Credentials = new BasicAWSCredentials(variables["AWS_ACCESS_KEY_ID"], variables["AWS_SECRET_ACCESS_KEY"]),
            });

            using (var value = SecretValue.FromText("from-the-tool"))
            {
                await provider.SetSecretAsync("tool/secret", value);
            }

            using var secret = await provider.GetSecretAsync(Ref("tool/secret"));
            Assert.Equal("from-the-tool", Text(secret));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
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

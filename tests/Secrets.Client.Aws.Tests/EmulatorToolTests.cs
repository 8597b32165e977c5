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

        Assert.StartsWith("http://127.0.0.1:", variables["AWS_ENDPOINT_URL"], StringComparison.Ordinal);
        Assert.Equal("eu-west-2", variables["AWS_REGION"]);
        await using var provider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
        {
            Region = variables["AWS_REGION"],
            Endpoint = new Uri(variables["AWS_ENDPOINT_URL"]),
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

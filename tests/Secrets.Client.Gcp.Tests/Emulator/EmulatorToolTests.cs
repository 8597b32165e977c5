using System.Diagnostics;

namespace Secrets.Client.Gcp.Tests.Emulator;

/// <summary>The standalone <c>secrets-emulator gcp</c> process prints what a client needs and serves Secret Manager.</summary>
public sealed class EmulatorToolTests
{
    [Fact]
    public async Task Prints_endpoint_project_and_token_and_serves_the_provider()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Secrets.Client.Emulator.dll"));
        start.ArgumentList.Add("gcp");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add("0");
        using var process = Process.Start(start)!;
        try
        {
            var variables = new Dictionary<string, string>();
            while (variables.Count < 3 && await process.StandardOutput.ReadLineAsync() is { } line)
            {
                var equals = line.IndexOf('=', StringComparison.Ordinal);
                variables[line[..equals]] = line[(equals + 1)..];
            }

            Assert.StartsWith("http://127.0.0.1:", variables["GCP_SECRET_MANAGER_ENDPOINT"], StringComparison.Ordinal);
            var token = variables["GCP_ACCESS_TOKEN"];
            await using var provider = new GcpSecretManagerProvider(new GcpSecretManagerProviderOptions
            {
                Endpoint = new Uri(variables["GCP_SECRET_MANAGER_ENDPOINT"]),
                DefaultProject = variables["GCP_PROJECT"],
                AccessTokenProvider = _ => new ValueTask<string>(token),
            });

            using (var value = SecretValue.FromText("from-the-tool"))
            {
                await provider.SetSecretAsync("db-password", value);
            }

            using var secret = await provider.GetSecretAsync(SecretReference.Parse("gcp-sm://db-password"));
            Assert.Equal("from-the-tool", secret.Value.ExposeAsString());

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
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Secrets.Client.Testing.Tests;

/// <summary>
/// <c>secrets-emulator &lt;kind&gt; --print-env</c>, for every kind: it exits with <c>export</c> lines a shell can
/// <c>eval</c>, naming the variables the adapters read, while the emulator it started keeps listening until killed.
/// </summary>
public sealed class EmulatorToolPrintEnvTests
{
    public static TheoryData<string, string, string[]> Kinds => new()
    {
        { "aws", "AWS_ENDPOINT_URL_SECRETS_MANAGER", ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] },
        { "vault", "VAULT_ADDR", ["VAULT_TOKEN"] },
        { "gcp", "SECRET_MANAGER_EMULATOR_HOST", ["GOOGLE_CLOUD_PROJECT"] },
        { "azure", "AZURE_KEYVAULT_URL", ["AZURE_KEYVAULT_CERTIFICATE_PEM", "AZURE_KEYVAULT_TOKEN"] },
        { "sqs", "AWS_ENDPOINT_URL_SQS", ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] },
        { "pubsub", "PUBSUB_EMULATOR_HOST", ["GOOGLE_CLOUD_PROJECT"] },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Print_env_exits_with_shell_exports_and_leaves_the_emulator_listening(string kind, string addressVariable, string[] others)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Secrets.Client.Emulator.dll"), kind, "--port", "0", "--print-env" })
        {
            start.ArgumentList.Add(argument);
        }

        using var launcher = Process.Start(start)!;
        var output = await launcher.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await launcher.WaitForExitAsync(timeout.Token);

        Assert.Equal(0, launcher.ExitCode);
        var exports = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(
            line => line["export ".Length..line.IndexOf('=', StringComparison.Ordinal)],
            line => line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        using var emulator = Process.GetProcessById(int.Parse(exports["SECRETS_EMULATOR_PID"].Trim('\''), CultureInfo.InvariantCulture));
        try
        {
            Assert.All(exports.Values, value => Assert.Matches("^'[^']*'$", value));
            Assert.All(others.Append(addressVariable), name => Assert.Contains(name, exports.Keys));
            var address = exports[addressVariable].Trim('\'');
            var endpoint = new Uri(address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address);
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint.Host, endpoint.Port);
            Assert.True(client.Connected);
        }
        finally
        {
            emulator.Kill();
            await emulator.WaitForExitAsync();
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Secrets.Client.Testing.Tests;

/// <summary>
/// <c>secrets-emulator</c>'s event flags: <c>azure --event-webhook URL</c> publishes Key Vault's Event Grid events to
/// the URL (here for the seeded secret), <c>vault --no-events</c> answers the event websocket 404 as Community Vault
/// does, and a sink that is not an HTTP(S) URL is refused with the option named.
/// </summary>
public sealed class EmulatorToolEventFlagsTests
{
    [Fact]
    public async Task Azure_event_webhook_receives_the_seeded_secret_s_new_version_event()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/events/");
        listener.Start();
        var received = listener.GetContextAsync();
        var seed = Path.GetTempFileName();
        await File.WriteAllTextAsync(seed, """{ "secrets": [ { "name": "db-password", "value": "canary-tool-1" } ] }""");
        try
        {
            var (exit, exports, _) = await RunAsync("azure", "--port", "0", "--seed", seed, "--event-webhook", $"http://127.0.0.1:{port}/events/kv?code=k", "--print-env");
            Assert.Equal(0, exit);
            using var emulator = Process.GetProcessById(int.Parse(exports["SECRETS_EMULATOR_PID"], CultureInfo.InvariantCulture));
            try
            {
                var context = await received.WaitAsync(TimeSpan.FromSeconds(30));
                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                context.Response.StatusCode = 200;
                context.Response.Close();

                Assert.Equal("k", context.Request.QueryString["code"]);
                Assert.Contains("Microsoft.KeyVault.SecretNewVersionCreated", body, StringComparison.Ordinal);
                Assert.Contains("db-password", body, StringComparison.Ordinal);
                Assert.DoesNotContain("canary-tool-1", body, StringComparison.Ordinal);
            }
            finally
            {
                emulator.Kill();
                await emulator.WaitForExitAsync();
            }
        }
        finally
        {
            File.Delete(seed);
        }
    }

    [Theory]
    [InlineData(false)] // served (a plain GET is not a websocket upgrade, so refused, but not as missing)
    [InlineData(true)] // Community Vault: the endpoint does not exist
    public async Task Vault_no_events_answers_the_subscription_404(bool noEvents)
    {
        string[] arguments = noEvents ? ["vault", "--port", "0", "--no-events", "--print-env"] : ["vault", "--port", "0", "--print-env"];
        var (exit, exports, _) = await RunAsync(arguments);
        Assert.Equal(0, exit);
        using var emulator = Process.GetProcessById(int.Parse(exports["SECRETS_EMULATOR_PID"], CultureInfo.InvariantCulture));
        try
        {
            using var client = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, exports["VAULT_ADDR"] + "/v1/sys/events/subscribe/kv-v2/*?json=true");
            request.Headers.Add("X-Vault-Token", exports["VAULT_TOKEN"]);
            using var response = await client.SendAsync(request);

            Assert.Equal(noEvents, response.StatusCode == HttpStatusCode.NotFound);
        }
        finally
        {
            emulator.Kill();
            await emulator.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_sink_that_is_not_an_http_url_is_refused_with_the_option_named()
    {
        var (exit, _, error) = await RunAsync("azure", "--event-queue", "not-a-url");

        Assert.Equal(2, exit);
        Assert.Contains("--event-queue", error, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private static async Task<(int Exit, Dictionary<string, string> Exports, string Error)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Secrets.Client.Emulator.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        var exports = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("export ", StringComparison.Ordinal))
            .ToDictionary(
                line => line["export ".Length..line.IndexOf('=', StringComparison.Ordinal)],
                line => line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim('\''));
        return (process.ExitCode, exports, await error);
    }
}

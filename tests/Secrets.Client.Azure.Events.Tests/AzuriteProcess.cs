using System.Diagnostics;
using System.Text.RegularExpressions;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Azure.Events.Tests;

/// <summary>
/// Azurite's queue service (npm <c>azurite</c> 3.34.0, installed by scripts/setup.d/40-azurite.sh) on a loopback port,
/// with a temporary location and no telemetry, for the lifetime of a test. Uses Azurite's well-known dev account.
/// </summary>
internal sealed partial class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's documented development account key (public, the same in every Azurite).</summary>
    public const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly string _location;

    private AzuriteProcess(Process process, string location, int port)
    {
        _process = process;
        _location = location;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};QueueEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public static async Task<AzuriteProcess> StartAsync(int port = 0)
    {
        var main = Path.Combine(NodeJudgeProcess.RepositoryRoot, "tests", "azurite", "node_modules", "azurite", "dist", "src", "queue", "main.js");
        if (!File.Exists(main))
        {
            throw new InvalidOperationException("Azurite is not installed: run scripts/setup.d/40-azurite.sh (./test.sh does).");
        }

        var location = Path.Combine(Path.GetTempPath(), "azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(location);
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { main, "--queueHost", "127.0.0.1", "--queuePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", location, "--skipApiVersionCheck", "--loose", "--disableTelemetry" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("Azurite exited before listening."));
        var actual = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new AzuriteProcess(process, location, actual);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
            // Azurite may still be flushing its files; the temp folder is cleaned by the OS.
        }
    }

    [GeneratedRegex(@"listens on http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}

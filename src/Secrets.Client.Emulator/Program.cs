using System.Globalization;
using System.Runtime.InteropServices;
using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// <c>secrets-emulator &lt;kind&gt; [--port N] [--region R] [--https] [--seed FILE] [--print-env]</c>; for <c>azure</c>,
/// <c>--event-queue SAS-URL</c> / <c>--event-webhook URL</c> (repeatable; <c>--cloud-events</c> for CloudEvents 1.0) publish
/// Key Vault's Event Grid events there; for <c>vault</c>, <c>--no-events</c> answers the event websocket 404 (Community Vault). Without
/// <c>--print-env</c> it prints <c>NAME=value</c> lines and an empty line, then serves until Ctrl+C or SIGTERM. With
/// <c>--print-env</c> it starts the emulator as a background process, prints <c>export NAME='value'</c> lines (and
/// <c>SECRETS_EMULATOR_PID</c>) and exits, as <c>ssh-agent -s</c> does: <c>eval "$(secrets-emulator aws --print-env)"</c>.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var help = args.Length == 0 || args[0] is "-h" or "--help";
        if (help || !EmulatorKinds.All.TryGetValue(args[0], out var kind))
        {
            await Console.Error.WriteLineAsync($"usage: secrets-emulator <{string.Join('|', EmulatorKinds.All.Keys.Order())}> [--port N] [--region NAME] [--https] [--seed FILE] [--event-queue SAS-URL] [--event-webhook URL] [--cloud-events] [--no-events] [--print-env]").ConfigureAwait(false);
            return help ? 0 : 2;
        }

        var port = 0;
        string? region = null;
        string? seedPath = null;
        var https = false;
        var printEnv = false;
        var sinks = new List<(Uri Endpoint, KeyVaultEventSinkKind Kind)>();
        var cloudEvents = false;
        var events = true;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed <= 65535:
                    port = parsed;
                    i++;
                    break;
                case "--region" when i + 1 < args.Length:
                    region = args[++i];
                    break;
                case "--seed" when i + 1 < args.Length:
                    seedPath = args[++i];
                    break;
                case "--https":
                    https = true;
                    break;
                case "--print-env":
                    printEnv = true;
                    break;
                case "--event-queue" or "--event-webhook" when i + 1 < args.Length && Uri.TryCreate(args[i + 1], UriKind.Absolute, out var sink) && (sink.Scheme == Uri.UriSchemeHttp || sink.Scheme == Uri.UriSchemeHttps):
                    sinks.Add((sink, args[i] == "--event-queue" ? KeyVaultEventSinkKind.StorageQueue : KeyVaultEventSinkKind.Webhook));
                    i++;
                    break;
                case "--cloud-events":
                    cloudEvents = true;
                    break;
                case "--no-events":
                    events = false;
                    break;
                default:
                    await Console.Error.WriteLineAsync($"secrets-emulator: unknown or incomplete option '{args[i]}'.").ConfigureAwait(false);
                    return 2;
            }
        }

        EmulatorSeed? seed;
        try
        {
            seed = seedPath is null ? null : EmulatorSeed.Load(seedPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException)
        {
            await Console.Error.WriteLineAsync($"secrets-emulator: cannot read the seed file: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        if (printEnv)
        {
            return await BackgroundLauncher.RunAsync([.. args.Where(a => a != "--print-env")]).ConfigureAwait(false);
        }

        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        var emulator = await kind.StartAsync(new EmulatorSettings(port, region, https, seed)
        {
            EventSinks = [.. sinks.Select(s => new KeyVaultEventSink(s.Endpoint, s.Kind, cloudEvents))],
            EventsEnabled = events,
        }, stop.Token).ConfigureAwait(false);
        await using (emulator.ConfigureAwait(false))
        {
            foreach (var (name, value) in emulator.Environment)
            {
                await Console.Out.WriteLineAsync($"{name}={value}").ConfigureAwait(false);
            }

            // The empty line ends the list: a reader (or --print-env) knows every variable has been printed.
            await Console.Out.WriteLineAsync().ConfigureAwait(false);
            await Console.Out.FlushAsync().ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop serving.
            }
        }

        return 0;
    }
}

using System.CommandLine;
using System.Globalization;

namespace Secrets.Client.Cli;

/// <summary><c>secrets leak REF --since T [--until T] [--no-rotate]</c>.</summary>
internal static class LeakCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var reference = new Argument<string>("reference") { Description = "The leaked secret (with @version to name the leaked version; default: the current one)." };
        var since = new Option<string>("--since") { Description = "Start of the leak window (ISO 8601, UTC unless an offset is given).", Required = true };
        var until = new Option<string?>("--until") { Description = "End of the leak window (default: now)." };
        var noRotate = new Option<bool>("--no-rotate") { Description = "Only report; do not rotate or revoke." };
        var command = new Command("leak", "Respond to a leak: rotate, confirm, stop serving the leaked version, and report who read it.") { reference, since, until, noRotate };
        command.SetAction((result, cancellationToken) => SecretsCommandLine.GuardAsync(context, async () =>
        {
            var settings = globals.Read(result);
            var parsed = SecretReference.Parse(result.GetRequiredValue(reference));
            var from = ParseTime(result.GetRequiredValue(since), "--since");
            var to = result.GetValue(until) is { } text ? ParseTime(text, "--until") : DateTimeOffset.UtcNow;
            if (to < from)
            {
                throw new CliUsageException("--until is before --since.");
            }

            var tool = ToolStore.Create(ToolConfiguration.Load(context, settings));
            await using var toolScope = tool.ConfigureAwait(false);
            if (parsed.Provider is null)
            {
                parsed = parsed.WithProvider(tool.Store.Providers.First().Name);
            }

            var output = new CliOutput(context, settings.Json);
            using var http = new HttpClient();
            var report = await new LeakResponse(tool, context, output, http).RunAsync(parsed, from, to, !result.GetValue(noRotate), cancellationToken).ConfigureAwait(false);
            report.Write(output);
            return report.Complete ? ExitCodes.Success : ExitCodes.Incomplete;
        }));
        return command;
    }

    private static DateTimeOffset ParseTime(string text, string option) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new CliUsageException($"{option} takes a time such as 2026-12-02T09:00:00Z.");
}

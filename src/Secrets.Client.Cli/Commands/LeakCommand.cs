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
        var generate = new Option<int?>("--generate") { Description = "Rotate by writing N random letters and digits (for backends that cannot rotate themselves)." };
        var command = new Command("leak", "Respond to a leak: rotate, confirm, stop serving the leaked version, and report who read it.") { reference, since, until, noRotate, generate };
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

            var configuration = ToolConfiguration.Load(context, settings);
            var rotate = !result.GetValue(noRotate);
            if (parsed.Provider is null)
            {
                parsed = parsed.WithProvider(ToolStore.ProvidersOf(configuration) is { Count: > 0 } providers ? providers[0].Name
                    : throw new CliUsageException("The reference names no provider and none is configured."));
            }

            var tool = rotate ? ToolStore.Create(configuration) : null;
            await using var toolScope = (tool ?? (IAsyncDisposable)NoStore.Instance).ConfigureAwait(false);
            var output = new CliOutput(context, settings.Json);
            using var http = new HttpClient();
            var report = await new LeakResponse(configuration, tool, context, output, http) { GenerateLength = result.GetValue(generate), ConfirmInstances = context.ConfirmInstances }.RunAsync(parsed, from, to, rotate, cancellationToken).ConfigureAwait(false);
            report.Write(output);
            return report.Complete ? ExitCodes.Success : ExitCodes.Incomplete;
        }));
        return command;
    }

    private sealed class NoStore : IAsyncDisposable
    {
        public static readonly NoStore Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static DateTimeOffset ParseTime(string text, string option) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new CliUsageException($"{option} takes a time such as 2026-12-02T09:00:00Z.");
}

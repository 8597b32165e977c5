using System.CommandLine;

namespace Secrets.Client.Cli;

/// <summary>The <c>secrets</c> command line: global flags, the commands, and one place that maps failures to exit codes.</summary>
internal static class SecretsCommandLine
{
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("Reads, runs with, rotates and audits secrets through the same provider configuration your app uses.");
        globals.AddTo(root);
        root.Add(GetCommand.Create(globals, context));
        root.Add(ListCommand.Create(globals, context));
        root.Add(RunCommand.Create(globals, context));
        root.Add(RotateCommand.Create(globals, context));
        root.Add(LeakCommand.Create(globals, context));
        root.Add(DoctorCommand.Create(globals, context));
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await context.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = context.Output,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // run forwards signals to its child itself
        };
        return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a command's body, mapping a failure to its exit code with a message on stderr (never a value).</summary>
    public static async Task<int> GuardAsync(CliContext context, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SecretStoreException or CliUsageException or NotSupportedException or IOException or InvalidOperationException or UnauthorizedAccessException or HttpRequestException)
        {
            await context.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.Of(ex);
        }
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Secrets.Client.Cli;

/// <summary>
/// <c>secrets run [--env-file F] -- CMD ARGS...</c>: the child gets the referenced secrets in its environment; SIGINT,
/// SIGTERM, SIGHUP and SIGQUIT are forwarded to it and its exit code becomes the tool's. References scoped to
/// Production are refused unless the run is scoped with <c>--environment Production</c>.
/// </summary>
internal static partial class RunCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var envFile = new Option<string?>("--env-file") { Description = "A file of VARIABLE=reference lines." };
        var commandLine = new Argument<string[]>("command") { Description = "The command and its arguments (after --).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("run", "Run a command with secrets in its environment.") { envFile, commandLine };
        command.SetAction((result, cancellationToken) => SecretsCommandLine.GuardAsync(context, async () =>
        {
            var settings = globals.Read(result);
            var configuration = ToolConfiguration.Load(context, settings);
            var tool = ToolStore.Create(configuration);
            await using var toolScope = tool.ConfigureAwait(false);
            var mapping = EnvironmentMapping.Read(result.GetValue(envFile), context, tool.Store.CanResolve);
            foreach (var (name, reference) in mapping)
            {
                if (reference.Environments.Any(SecretEnvironment.IsProduction) && !(configuration.EnvironmentExplicit && SecretEnvironment.IsProduction(configuration.Environment)))
                {
                    throw new SecretAccessDeniedException(reference.Provider ?? "default", reference.Path,
                        $"{name} refers to a Production secret; `secrets run` puts Production secrets into a child's environment only when scoped with --environment Production.");
                }
            }

            var arguments = result.GetRequiredValue(commandLine);
            var start = new ProcessStartInfo(arguments[0]) { UseShellExecute = false, WorkingDirectory = context.WorkingDirectory };
            foreach (var argument in arguments.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment.Clear();
            foreach (var (name, value) in context.Environment)
            {
                start.Environment[name] = value;
            }

            var references = mapping.Values.ToArray();
            var results = await tool.Store.GetSecretsAsync(references, cancellationToken).ConfigureAwait(false);
            var index = 0;
            foreach (var name in mapping.Keys)
            {
                var item = results[index++];
                using var secret = item.Secret ?? throw item.Error!;
                start.Environment[name] = secret.Value.ExposeAsString(); // a child's environment is text; it is its only copy here
            }

            new CliOutput(context, settings.Json).Progress($"secrets run: {mapping.Count} variable(s) from secrets, starting {Path.GetFileName(arguments[0])}");
            return await RunChildAsync(start, context, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static async Task<int> RunChildAsync(ProcessStartInfo start, CliContext context, CancellationToken cancellationToken)
    {
        // Handlers go in before the child starts, so that a signal arriving while it starts is forwarded, not fatal to us.
        var gate = new Lock();
        Process? child = null;
        var pending = new List<int>();
        var registrations = new List<PosixSignalRegistration>();
        if (!OperatingSystem.IsWindows())
        {
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            {
                registrations.Add(PosixSignalRegistration.Create(signal, signalContext =>
                {
                    signalContext.Cancel = true; // the child decides when to stop; we exit with its code
                    lock (gate)
                    {
                        if (child is null)
                        {
                            pending.Add(NativeNumberOf(signalContext.Signal));
                        }
                        else
                        {
                            _ = kill(child.Id, NativeNumberOf(signalContext.Signal));
                        }
                    }
                }));
            }
        }

        try
        {
            Process started;
            try
            {
                started = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{start.FileName}'.");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                await context.Error.WriteLineAsync($"error: could not start '{start.FileName}': {ex.Message}").ConfigureAwait(false);
                return ExitCodes.CannotStart;
            }

            using (started)
            {
                lock (gate)
                {
                    child = started;
                    foreach (var signal in pending)
                    {
                        _ = kill(started.Id, signal);
                    }
                }

                context.ChildStarted?.Invoke(started);
                await started.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                return started.ExitCode;
            }
        }
        finally
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }

    /// <summary>Linux signal numbers (PosixSignal's values are .NET's own, negative).</summary>
    private static int NativeNumberOf(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        PosixSignal.SIGTERM => 15,
        _ => (int)signal,
    };

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}

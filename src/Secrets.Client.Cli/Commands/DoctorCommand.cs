using System.CommandLine;

namespace Secrets.Client.Cli;

/// <summary><c>secrets doctor [PATH]</c>: checks a repository and this machine; each finding with a fix.</summary>
internal static class DoctorCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var path = new Argument<string?>("path") { Description = "The repository to check (default: the working directory).", Arity = ArgumentArity.ZeroOrOne };
        var allowList = new Option<string?>("--allow-list") { Description = "A file of allowed findings (default: .secrets-doctor-allow in the repository)." };
        var offline = new Option<bool>("--offline") { Description = "Do not contact the configured providers." };
        var scope = new Option<string[]>("--scope") { Description = "Which checks: repository, machine, providers (repeatable; default all)." };
        scope.AcceptOnlyFromAmong("repository", "machine", "providers");
        var command = new Command("doctor", "Check a repository and this machine for ways secrets leak.") { path, allowList, offline, scope };
        command.SetAction((result, cancellationToken) => SecretsCommandLine.GuardAsync(context, async () =>
        {
            var settings = globals.Read(result);
            var output = new CliOutput(context, settings.Json);
            var repository = context.ResolvePath(result.GetValue(path) ?? ".");
            var doctor = new Doctor(context, repository, settings, result.GetValue(allowList), result.GetValue(offline), output)
            {
                Scopes = result.GetValue(scope) is { Length: > 0 } scopes ? scopes : ["repository", "machine", "providers"],
            };
            var findings = await doctor.RunAsync(cancellationToken).ConfigureAwait(false);
            DoctorReport.Write(output, findings);
            return findings.Count == 0 ? ExitCodes.Success : ExitCodes.Findings;
        }));
        return command;
    }
}

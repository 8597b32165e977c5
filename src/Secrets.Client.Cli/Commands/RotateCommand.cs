using System.CommandLine;

namespace Secrets.Client.Cli;

/// <summary><c>secrets rotate REF</c>: a new version now, from the backend's rotation or the adapter's generator.</summary>
internal static class RotateCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var reference = new Argument<string>("reference") { Description = "The secret to rotate." };
        var generate = new Option<int?>("--generate") { Description = "Write a new version of N random letters and digits instead of asking the backend to rotate." };
        var command = new Command("rotate", "Rotate a secret now (the backend's rotation, the provider's configured generator, or --generate N).") { reference, generate };
        command.SetAction((result, cancellationToken) => SecretsCommandLine.GuardAsync(context, async () =>
        {
            var settings = globals.Read(result);
            var tool = ToolStore.Create(ToolConfiguration.Load(context, settings));
            await using var toolScope = tool.ConfigureAwait(false);
            var output = new CliOutput(context, settings.Json);
            var parsed = SecretReference.Parse(result.GetRequiredValue(reference));
            output.Progress($"rotating {parsed} ...");
            var rotated = await SecretGenerator.RotateAsync(tool.Store, parsed, result.GetValue(generate), cancellationToken).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(json =>
                {
                    json.WriteStartObject();
                    CliOutput.WriteProperties(json, rotated, size: null);
                    json.WriteEndObject();
                });
            }
            else
            {
                output.Line($"rotated {rotated.Provider}://{rotated.Name}: new version {rotated.Version ?? "-"}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}

using System.CommandLine;

namespace Secrets.Client.Cli;

/// <summary><c>secrets get REF [--reveal]</c>: metadata, and the value only when asked, to stdout.</summary>
internal static class GetCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var reference = new Argument<string>("reference") { Description = "The secret reference, for example aws-sm://prod/db#password." };
        var reveal = new Option<bool>("--reveal") { Description = "Print the value to stdout (and nothing else). Never logged." };
        var command = new Command("get", "Show a secret's metadata: provider, version, stages, dates, size.") { reference, reveal };
        command.SetAction((result, cancellationToken) => SecretsCommandLine.GuardAsync(context, async () =>
        {
            var settings = globals.Read(result);
            var parsed = SecretReference.Parse(result.GetRequiredValue(reference));
            var tool = ToolStore.Create(ToolConfiguration.Load(context, settings));
            await using var toolScope = tool.ConfigureAwait(false);
            using var secret = await tool.Store.GetSecretAsync(parsed, cancellationToken).ConfigureAwait(false);
            if (result.GetValue(reveal))
            {
                // The one place a value leaves the tool: stdout, as text, with no decoration to strip.
                secret.Value.UseText(context.Output, static (text, output) => output.Write(text));
                await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var output = new CliOutput(context, settings.Json);
            if (output.Json)
            {
                output.WriteJson(json =>
                {
                    json.WriteStartObject();
                    CliOutput.WriteProperties(json, secret.Properties, secret.Value.Length);
                    json.WriteEndObject();
                });
            }
            else
            {
                output.WritePropertiesText(secret.Properties, secret.Value.Length);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}

using System.CommandLine;

namespace Secrets.Client.Cli;

/// <summary><c>secrets list [PROVIDER] [--prefix P]</c>: names and versions, never values.</summary>
internal static class ListCommand
{
    public static Command Create(GlobalOptions globals, CliContext context)
    {
        var provider = new Argument<string?>("provider") { Description = "The provider name (default: the first configured).", Arity = ArgumentArity.ZeroOrOne };
        var prefix = new Option<string?>("--prefix") { Description = "Only secrets whose names start with this." };
        var command = new Command("list", "List secrets (metadata only).") { provider, prefix };
        command.SetAction((result, cancellationToken) => SecretsCommandLine.GuardAsync(context, async () =>
        {
            var settings = globals.Read(result);
            var tool = ToolStore.Create(ToolConfiguration.Load(context, settings));
            await using var toolScope = tool.ConfigureAwait(false);
            var output = new CliOutput(context, settings.Json);
            var items = new List<SecretProperties>();
            await foreach (var item in tool.Store.ListSecretsAsync(result.GetValue(provider), result.GetValue(prefix), cancellationToken).ConfigureAwait(false))
            {
                items.Add(item);
                if (items.Count % 500 == 0)
                {
                    output.Progress($"listed {items.Count} ...");
                }
            }

            if (output.Json)
            {
                output.WriteJson(json =>
                {
                    json.WriteStartArray();
                    foreach (var item in items)
                    {
                        json.WriteStartObject();
                        CliOutput.WriteProperties(json, item, size: null);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                });
            }
            else
            {
                foreach (var item in items)
                {
                    output.Line($"{item.Provider}://{item.Name}\t{item.Version ?? "-"}\t{CliOutput.Time(item.UpdatedOn ?? item.CreatedOn)}");
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}

using System.CommandLine;

namespace Secrets.Client.Cli;

/// <summary>The flags every command takes.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> ConfigDirectory { get; } = new("--config-dir", "-c") { Description = "Folder holding appsettings.json (default: the working directory).", Recursive = true };

    public Option<string?> Environment { get; } = new("--environment", "-e") { Description = "The environment to run in (Development, Production, ...); scopes `run` to it.", Recursive = true };

    public Option<string[]> Set { get; } = new("--set") { Description = "A configuration override KEY=VALUE (repeatable).", Recursive = true, AllowMultipleArgumentsPerToken = false };

    public Option<bool> Json { get; } = new("--json") { Description = "Write JSON for scripts.", Recursive = true };

    public void AddTo(RootCommand root)
    {
        root.Add(ConfigDirectory);
        root.Add(Environment);
        root.Add(Set);
        root.Add(Json);
    }

    public ToolSettings Read(ParseResult result) => new()
    {
        ConfigDirectory = result.GetValue(ConfigDirectory),
        Environment = result.GetValue(Environment),
        Overrides = result.GetValue(Set) ?? [],
        Json = result.GetValue(Json),
    };
}

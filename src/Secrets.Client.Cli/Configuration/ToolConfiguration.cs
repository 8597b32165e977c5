using Microsoft.Extensions.Configuration;

namespace Secrets.Client.Cli;

/// <summary>
/// The configuration an app would see: <c>appsettings.json</c> and <c>appsettings.{Environment}.json</c>, then
/// environment variables (<c>Secrets__Providers__aws__Region</c>), then <c>--set</c> flags. The tool reads its
/// <c>Secrets</c> section: <c>Secrets:Environment</c>, <c>Secrets:Providers:{name}</c> (each with a <c>Type</c>, the rest
/// bound by the adapter's own <c>(name, IConfiguration)</c> registration), <c>Secrets:Audit</c> and <c>Secrets:AuditSources</c>.
/// </summary>
internal sealed class ToolConfiguration
{
    public const string Section = "Secrets";

    private ToolConfiguration(IConfigurationRoot root, string environment, bool environmentExplicit)
    {
        Root = root;
        Environment = environment;
        EnvironmentExplicit = environmentExplicit;
    }

    public IConfigurationRoot Root { get; }

    public IConfigurationSection Secrets => Root.GetSection(Section);

    /// <summary>Gets the environment the store runs in.</summary>
    public string Environment { get; }

    /// <summary>Gets a value indicating whether the environment came from <c>--environment</c> (a deliberate scope).</summary>
    public bool EnvironmentExplicit { get; }

    public string ConfigDirectory { get; private init; } = string.Empty;

    public static ToolConfiguration Load(CliContext context, ToolSettings settings)
    {
        var directory = context.ResolvePath(settings.ConfigDirectory ?? ".");
        if (!Directory.Exists(directory))
        {
            throw new CliUsageException($"The configuration folder '{directory}' does not exist.");
        }

        var overrides = ParseOverrides(settings.Overrides);
        var fromVariables = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in context.Environment)
        {
            if (name.StartsWith(Section + "__", StringComparison.OrdinalIgnoreCase))
            {
                fromVariables[name.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
        }

        // The environment decides which appsettings.{env}.json applies, so find it before building.
        var first = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(directory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddInMemoryCollection(fromVariables)
            .AddInMemoryCollection(overrides)
            .Build();
        var environment = settings.Environment
            ?? first[Section + ":Environment"]
            ?? context.Variable("DOTNET_ENVIRONMENT")
            ?? context.Variable("ASPNETCORE_ENVIRONMENT")
            ?? "Production";
        var root = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(directory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(directory, $"appsettings.{environment}.json"), optional: true, reloadOnChange: false)
            .AddInMemoryCollection(fromVariables)
            .AddInMemoryCollection(overrides)
            .Build();
        return new ToolConfiguration(root, settings.Environment ?? environment, settings.Environment is not null) { ConfigDirectory = directory };
    }

    private static Dictionary<string, string?> ParseOverrides(IReadOnlyList<string> overrides)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in overrides)
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliUsageException("--set takes KEY=VALUE (for example Secrets:Providers:aws:Region=eu-west-1).");
            }

            result[item[..equals].Trim()] = item[(equals + 1)..];
        }

        return result;
    }
}

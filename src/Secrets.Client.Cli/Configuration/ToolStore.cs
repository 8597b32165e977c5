using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Secrets.Client.Cli;

/// <summary>The store the tool reads through, built by DI from the configuration exactly as an app's would be.</summary>
internal sealed class ToolStore : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ToolStore(ServiceProvider services, ToolConfiguration configuration)
    {
        _services = services;
        Configuration = configuration;
        Store = (SecretStore)services.GetRequiredService<ISecretStore>();
    }

    public SecretStore Store { get; }

    public ToolConfiguration Configuration { get; }

    /// <summary>Gets the configured providers: name and type.</summary>
    public static IReadOnlyList<(string Name, string Type, IConfigurationSection Section)> ProvidersOf(ToolConfiguration configuration) =>
        [.. configuration.Secrets.GetSection("Providers").GetChildren().Select(section => (section.Key, section["Type"] ?? string.Empty, section))];

    public static ToolStore Create(ToolConfiguration configuration)
    {
        var providers = ProvidersOf(configuration);
        if (providers.Count == 0)
        {
            throw new CliUsageException("No provider is configured: add a Secrets:Providers:{name} section with a Type (aws, azure, gcp, vault, dotenv, env, keyperfile, direnv) to appsettings.json, or pass --set.");
        }

        var services = new ServiceCollection();
        var audit = configuration.Secrets.GetSection("Audit");
        if (audit["Directory"] is { Length: > 0 } directory)
        {
            services.AddSecretAuditJsonLines(options =>
            {
                audit.Bind(options);
                options.Directory = Path.GetFullPath(directory, configuration.ConfigDirectory);
            });
        }

        services.AddSecretStore(
            builder =>
            {
                foreach (var (name, type, section) in providers)
                {
                    Add(builder, name, type, section);
                }
            },
            options => options.Environment = configuration.Environment);
        return new ToolStore(services.BuildServiceProvider(), configuration);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync().ConfigureAwait(false);

    private static void Add(SecretStoreBuilder builder, string name, string type, IConfigurationSection section)
    {
        switch (type.ToUpperInvariant())
        {
            case "AWS": builder.AddAwsSecretsManager(name, section); break;
            case "AZURE": builder.AddAzureKeyVault(name, section); break;
            case "GCP": builder.AddGcpSecretManager(name, section); break;
            case "VAULT": builder.AddHashiCorpVault(name, section); break;
            case "DOTENV": builder.AddDotEnv(name, section); break;
            case "ENV": builder.AddEnvironmentVariables(name, section); break;
            case "KEYPERFILE": builder.AddKeyPerFile(name, section); break;
            case "DIRENV": builder.AddDirenv(name, section); break;
            default:
                throw new CliUsageException($"Provider '{name}' has Type '{type}'; expected one of aws, azure, gcp, vault, dotenv, env, keyperfile, direnv.");
        }
    }
}

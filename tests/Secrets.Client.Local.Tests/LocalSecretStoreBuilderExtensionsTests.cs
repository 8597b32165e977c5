using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Client.Configuration;

namespace Secrets.Client.Local.Tests;

/// <summary>The builder extensions, end to end through the real secret store, DI and configuration.</summary>
public sealed class LocalSecretStoreBuilderExtensionsTests : IDisposable
{
    private const string Canary = "CANARY-7f3a9c-di";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Providers_resolve_relative_paths_against_the_content_root()
    {
        _directory.Write(".env", $"API_KEY={Canary}\n");
        Directory.CreateDirectory(Path.Combine(_directory.Path, "secrets"));
        _directory.Write(Path.Combine("secrets", "db-password"), "from-file\n");
        var variable = "SCLT_DI_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "from-environment");
        try
        {
            using var host = Build("Development", store => store
                .AddDotEnv()
                .AddKeyPerFile("secrets")
                .AddEnvironmentVariables());
            var secrets = host.Services.GetRequiredService<ISecretStore>();

            Assert.Equal(Canary, (await secrets.GetSecretAsync("dotenv://API_KEY")).Value.ExposeAsString());
            Assert.Equal("from-file", (await secrets.GetSecretAsync("files://db-password")).Value.ExposeAsString());
            Assert.Equal("from-environment", (await secrets.GetSecretAsync($"env://{variable}")).Value.ExposeAsString());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void The_host_environment_reaches_the_Production_guard()
    {
        using var host = Build("Production", store => store.AddDotEnv(o => o.Optional = true));

        Assert.Throws<SecretEnvironmentScopeException>(() => host.Services.GetRequiredService<ISecretStore>());
    }

    [Fact]
    public async Task Options_callbacks_can_opt_in_and_rename()
    {
        _directory.Write("local.env", "K=v\n");
        var variable = "SCLT_PREFIX_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(variable + "K", "prefixed");
        try
        {
            using var host = Build("Production", store => store
                .AddDotEnv(o => { o.Path = "local.env"; o.Name = "local"; o.AllowInProduction = true; })
                .AddEnvironmentVariables(o => { o.Prefix = variable; o.AllowInProduction = true; }));
            var secrets = host.Services.GetRequiredService<ISecretStore>();

            Assert.Equal("v", (await secrets.GetSecretAsync("local://K")).Value.ExposeAsString());
            Assert.Equal("prefixed", (await secrets.GetSecretAsync("env://K")).Value.ExposeAsString());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable + "K", null);
        }
    }

    [Fact]
    public async Task Dotenv_keys_feed_configuration_with_double_dash_sections()
    {
        var path = _directory.Write(".env", $"Database--Password={Canary}\nOther=x\n");
        var provider = new DotEnvSecretProvider(new DotEnvSecretProviderOptions { Path = path, Environment = ProviderReader.Development });

        var configuration = new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(provider);
                source.StoreOptions.Environment = ProviderReader.Development; // with no environment set, a store runs in Production and refuses .env
                source.ReloadOnChange = false;
                source.AddPrefix("dotenv", string.Empty);
            })
            .Build();

        Assert.Equal(Canary, configuration["Database:Password"]);
        Assert.Equal("x", configuration["Other"]);
        (configuration as IDisposable)?.Dispose();
        await provider.DisposeAsync();
    }

    private IHost Build(string environment, Action<SecretStoreBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = environment,
            ContentRootPath = _directory.Path,
            DisableDefaults = true,
        });
        builder.Services.AddSecretStore(configure);
        return builder.Build();
    }
}

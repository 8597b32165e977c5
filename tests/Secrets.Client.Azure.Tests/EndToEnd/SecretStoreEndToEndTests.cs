using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Secrets.Client.Azure.Tests.EndToEnd;

/// <summary><see cref="ISecretStore"/>, DI and <see cref="IConfiguration"/> over the provider and the emulator.</summary>
public sealed class SecretStoreEndToEndTests : IAsyncLifetime
{
    private KeyVaultHarness _vault = null!;

    public async Task InitializeAsync() => _vault = await KeyVaultHarness.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task Store_registered_with_AddAzureKeyVault_reads_secrets_and_uses_the_host_environment()
    {
        _vault.Emulator.SetSecret("db-password", "p@ss");
        _vault.Emulator.SetSecret("prod-only", "v", tags: new Dictionary<string, string> { ["environment"] = "Production" });
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new TestHostEnvironment("Staging"));
        services.AddSecretStore(builder => builder.AddAzureKeyVault(options =>
        {
            var wired = _vault.CreateOptions();
            options.Vaults["main"] = _vault.Emulator.VaultUri;
            options.Credential = wired.Credential;
            options.ConfigureClientOptions = wired.ConfigureClientOptions;
        }));
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ISecretStore>();

        var secret = await store.GetSecretAsync("azure-kv://main/db-password");
        var scoped = await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => store.GetSecretAsync("azure-kv://main/prod-only").AsTask());

        Assert.Equal("p@ss", secret.Value.ExposeAsString());
        Assert.Contains("'Staging'", scoped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configuration_loads_prefixes_named_secrets_and_references_mapping_double_dash_to_colon()
    {
        _vault.Emulator.SetSecret("app--Logging--Level", "Debug");
        _vault.Emulator.SetSecret("app--Db--Password", "hunter2");
        _vault.Emulator.SetSecret("app--Disabled", "x", enabled: false);
        _vault.Emulator.SetSecret("ConnectionStrings--Main", "Server=db");
        _vault.Emulator.SetSecret("api-key", "k-123");

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Services:Api:Key"] = "azure-kv://main/api-key" })
            .AddSecrets(source =>
            {
                source.Providers.Add(_vault.CreateProvider());
                source.ReloadOnChange = false;
                source.AddPrefix("azure-kv", "app--");
                source.Add("azure-kv://ConnectionStrings--Main");
            })
            .Build();

        Assert.Equal("Debug", configuration["Logging:Level"]);
        Assert.Equal("hunter2", configuration["Db:Password"]);
        Assert.Null(configuration["Disabled"]);
        Assert.Equal("Server=db", configuration.GetConnectionString("Main"));
        Assert.Equal("k-123", configuration["Services:Api:Key"]);
    }

    private sealed class TestHostEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Secrets.Client.Gcp.Tests.EndToEnd;

/// <summary><see cref="ISecretStore"/>, DI and <see cref="IConfiguration"/> over the provider and the emulator.</summary>
public sealed class SecretStoreEndToEndTests : IAsyncLifetime
{
    private GcpHarness _sm = null!;

    public async Task InitializeAsync() => _sm = await GcpHarness.StartAsync();

    public async Task DisposeAsync() => await _sm.DisposeAsync();

    [Fact]
    public async Task Store_registered_with_AddGcpSecretManager_reads_fields_and_scopes_by_the_host_environment()
    {
        _sm.Emulator.AddVersion("db", """{"user":"app","password":"p@ss"}""");
        _sm.Emulator.AddVersion("prod-only", "v");
        _sm.Emulator.SetLabels("prod-only", new Dictionary<string, string> { ["environment"] = "production" });
        var wired = _sm.CreateOptions();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new TestHostEnvironment("Staging"));
        services.AddSecretStore(builder => builder.AddGcpSecretManager(options =>
        {
            options.Endpoint = wired.Endpoint;
            options.DefaultProject = wired.DefaultProject;
            options.AccessTokenProvider = wired.AccessTokenProvider;
            options.HttpHandler = wired.HttpHandler;
            options.EnvironmentLabelName = GcpSecretManagerSecretProviderOptions.DefaultEnvironmentLabelName;
        }));
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ISecretStore>();

        var password = await store.GetSecretAsync($"gcp-sm://{_sm.Emulator.ProjectId}/db#password");
        var scoped = await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => store.GetSecretAsync("gcp-sm://prod-only").AsTask());

        Assert.Equal("p@ss", password.Value.ExposeAsString());
        Assert.Contains("'Staging'", scoped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_loads_prefixes_named_secrets_and_references_mapping_double_dash_to_colon()
    {
        _sm.Emulator.AddVersion("app--Logging--Level", "Debug");
        _sm.Emulator.AddVersion("app--Db--Password", "hunter2");
        _sm.Emulator.AddVersion("ConnectionStrings--Main", "Server=db");
        _sm.Emulator.AddVersion("api-key", "k-123");

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Services:Api:Key"] = "gcp-sm://api-key" })
            .AddSecrets(source =>
            {
                source.Providers.Add(_sm.CreateProvider());
                source.ReloadOnChange = false;
                source.AddPrefix("gcp-sm", "app--");
                source.Add("gcp-sm://ConnectionStrings--Main");
            })
            .Build();

        Assert.Equal("Debug", configuration["Logging:Level"]);
        Assert.Equal("hunter2", configuration["Db:Password"]);
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

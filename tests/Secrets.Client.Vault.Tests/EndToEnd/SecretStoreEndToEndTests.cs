using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Secrets.Client.Vault.Tests.EndToEnd;

/// <summary><see cref="ISecretStore"/>, DI and <see cref="IConfiguration"/> over the provider and the emulator.</summary>
public sealed class SecretStoreEndToEndTests : IAsyncLifetime
{
    private VaultHarness _vault = null!;

    public async Task InitializeAsync() => _vault = await VaultHarness.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task Store_registered_with_AddHashiCorpVault_reads_keys_and_takes_the_host_environment()
    {
        _vault.Emulator.WriteSecretJson("secret", "myapp/db", """{"username":"app","password":"p@ss"}""");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new TestHostEnvironment("Production"));
        services.AddSecretStore(builder => builder.AddHashiCorpVault(options =>
        {
            options.Endpoint = _vault.Emulator.Address;
            options.Role = _vault.Emulator.KubernetesRole;
            options.ServiceAccountTokenPath = _vault.JwtPath;
        }));
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ISecretStore>();

        var password = await store.GetSecretAsync("vault://secret/myapp/db#password");
        var user = await store.GetSecretAsync("vault://secret/myapp/db#username");

        Assert.Equal("p@ss", password.Value.ExposeAsString());
        Assert.Equal("app", user.Value.ExposeAsString());
        Assert.Equal(1, _vault.Emulator.Counters.ValueReads);
        Assert.Equal(1, _vault.Emulator.Counters.Logins);
    }

    [Fact]
    public void Token_auth_registered_in_a_Production_host_is_refused_when_the_store_is_built()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new TestHostEnvironment("Production"));
        services.AddSecretStore(builder => builder.AddHashiCorpVault(options =>
        {
            options.Endpoint = _vault.Emulator.Address;
            options.AuthMethod = VaultAuthMethod.Token;
        }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<ISecretStore>());

        Assert.Contains("Production", (error.InnerException ?? error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_retries_transient_failures_of_the_login_and_then_reads()
    {
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });
        await using var store = new SecretStore([_vault.CreateProvider(o => o.Resilience.RetryBaseDelay = TimeSpan.Zero)]);
        _vault.Emulator.Faults.FailNext(2);

        var secret = await store.GetSecretAsync("vault://secret/app/db#v");

        Assert.Equal("1", secret.Value.ExposeAsString());

        // Two logins answered 500, then one login and one read.
        Assert.Equal(4, _vault.Emulator.Counters.Requests);
        Assert.Equal(1, _vault.Emulator.Counters.Logins);
        Assert.Equal(1, _vault.Emulator.Counters.ValueReads);
    }

    [Fact]
    public async Task Store_retries_a_sealed_vault_and_reads_once_it_is_unsealed()
    {
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });
        await using var provider = _vault.CreateProvider(o =>
        {
            o.Resilience.RetryBaseDelay = TimeSpan.Zero;
            o.Resilience.MaxRetryAttempts = 0;
        });
        await using var store = new SecretStore([provider]);
        _vault.Emulator.Sealed = true;

        var sealedError = await Assert.ThrowsAsync<SecretUnavailableException>(() => store.GetSecretAsync("vault://secret/app/db#v").AsTask());
        _vault.Emulator.Sealed = false;
        var secret = await store.GetSecretAsync("vault://secret/app/db#v");

        Assert.Contains("sealed", sealedError.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Sealed", sealedError.ErrorCode);
        Assert.Equal("1", secret.Value.ExposeAsString());
    }

    [Fact]
    public void Configuration_loads_named_keys_and_resolves_references()
    {
        _vault.Emulator.WriteSecretJson("secret", "myapp/db", """{"password":"hunter2","host":"db.internal"}""");
        _vault.Emulator.WriteSecret("secret", "myapp/api", new Dictionary<string, string> { ["key"] = "k-123" });

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Services:Api:Key"] = "vault://secret/myapp/api#key" })
            .AddSecrets(source =>
            {
                source.Providers.Add(_vault.CreateProvider());
                source.ReloadOnChange = false;
                source.Add("vault://secret/myapp/db#password", "Db:Password");
                source.Add("vault://secret/myapp/db#host", "Db:Host");
            })
            .Build();

        Assert.Equal("hunter2", configuration["Db:Password"]);
        Assert.Equal("db.internal", configuration["Db:Host"]);
        Assert.Equal("k-123", configuration["Services:Api:Key"]);
    }

    [Fact]
    public void A_prefix_loads_every_secret_under_it_as_configuration_sections()
    {
        _vault.Emulator.WriteSecretJson("secret", "myapp/db", """{"password":"hunter2","host":"db.internal"}""");
        _vault.Emulator.WriteSecret("secret", "myapp/api", new Dictionary<string, string> { ["key"] = "k-123" });
        _vault.Emulator.WriteSecret("secret", "other/x", new Dictionary<string, string> { ["y"] = "z" });

        var configuration = new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(_vault.CreateProvider());
                source.ReloadOnChange = false;
                source.AddPrefix("vault", "secret/myapp/", "MyApp");
            })
            .Build();

        Assert.Equal("hunter2", configuration["MyApp:db:password"]);
        Assert.Equal("db.internal", configuration["MyApp:db:host"]);
        Assert.Equal("k-123", configuration["MyApp:api:key"]);
        Assert.Null(configuration["MyApp:x:y"]);
    }

    private sealed class TestHostEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

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
    public async Task Store_retries_one_503_once_so_the_emulator_sees_exactly_two_attempts()
    {
        _vault.Emulator.SetSecret("db", "v");
        _vault.Emulator.Faults.FailNext(1);
        await using var store = new SecretStore([_vault.CreateProvider(o =>
        {
            o.Resilience.RetryBaseDelay = TimeSpan.Zero;
            o.EnvironmentTagName = null; // one request per read
        })]);

        var secret = await store.GetSecretAsync("azure-kv://main/db");

        Assert.Equal("v", secret.Value.ExposeAsString());
        Assert.Equal(2, _vault.Emulator.Counters.Requests);
    }

    [Fact]
    public async Task Store_waits_for_Retry_After_of_a_429()
    {
        _vault.Emulator.SetSecret("db", "v");
        _vault.Emulator.Faults.RetryAfter = TimeSpan.FromSeconds(7);
        _vault.Emulator.Faults.ThrottleNext(1);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = new SecretStore([_vault.CreateProvider(o => o.EnvironmentTagName = null)], new SecretStoreOptions(), clock);

        var pending = store.GetSecretAsync("azure-kv://main/db").AsTask();
        await WaitUntilAsync(() => _vault.Emulator.Counters.Requests == 1);
        // Advance the store's clock in steps: the retry must not reach the vault before 7 s of its time have passed.
        var advanced = TimeSpan.Zero;
        var retriedEarly = false;
        while (!pending.IsCompleted && advanced < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(5);
            retriedEarly |= advanced < TimeSpan.FromSeconds(7) && _vault.Emulator.Counters.Requests > 1;
            clock.Advance(TimeSpan.FromMilliseconds(500));
            advanced += TimeSpan.FromMilliseconds(500);
        }

        var secret = await pending;

        Assert.False(retriedEarly);
        Assert.True(advanced >= TimeSpan.FromSeconds(7));
        Assert.Equal("v", secret.Value.ExposeAsString());
        Assert.Equal(2, _vault.Emulator.Counters.Requests);
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

    [Fact]
    public async Task Store_change_check_reads_the_value_again_only_after_a_new_version()
    {
        _vault.Emulator.SetSecret("db", "one");
        await using var store = new SecretStore([_vault.CreateProvider()]);
        var reference = SecretReference.Parse("azure-kv://main/db");

        var first = await store.GetSecretAsync(reference);
        var unchanged = await store.GetSecretPropertiesAsync(reference);
        var readsBefore = _vault.Emulator.Counters.ValueReads;
        var newVersion = _vault.Emulator.SetSecret("db", "two");
        var changed = await store.GetSecretPropertiesAsync(reference);

        Assert.Equal(first.Properties.ChangeToken, unchanged.ChangeToken);
        Assert.Equal(newVersion, changed.Version);
        Assert.Equal(1, readsBefore);
        Assert.Equal(1, _vault.Emulator.Counters.ValueReads);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    private sealed class TestHostEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

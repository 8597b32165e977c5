using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

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
    public async Task Store_retries_one_503_once_so_the_emulator_sees_exactly_two_attempts()
    {
        _sm.Emulator.AddVersion("db", "v");
        _sm.Emulator.Faults.FailNext(1);
        await using var store = new SecretStore([_sm.CreateProvider(o => o.Resilience.RetryBaseDelay = TimeSpan.Zero)]);

        var secret = await store.GetSecretAsync("gcp-sm://db");

        Assert.Equal("v", secret.Value.ExposeAsString());
        Assert.Equal(2, _sm.Emulator.Counters.Requests);
    }

    [Fact]
    public async Task Store_waits_for_Retry_After_of_a_429()
    {
        _sm.Emulator.AddVersion("db", "v");
        _sm.Emulator.Faults.RetryAfter = TimeSpan.FromSeconds(7);
        _sm.Emulator.Faults.ThrottleNext(1);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = new SecretStore([_sm.CreateProvider()], new SecretStoreOptions(), clock);

        var pending = store.GetSecretAsync("gcp-sm://db").AsTask();
        await WaitUntilAsync(() => _sm.Emulator.Counters.Requests == 1);
        // Advance the store's clock in steps: the retry must not reach the service before 7 s of its time have passed.
        var advanced = TimeSpan.Zero;
        var retriedEarly = false;
        while (!pending.IsCompleted && advanced < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(5);
            retriedEarly |= advanced < TimeSpan.FromSeconds(7) && _sm.Emulator.Counters.Requests > 1;
            clock.Advance(TimeSpan.FromMilliseconds(500));
            advanced += TimeSpan.FromMilliseconds(500);
        }

        var secret = await pending;

        Assert.False(retriedEarly);
        Assert.True(advanced >= TimeSpan.FromSeconds(7));
        Assert.Equal("v", secret.Value.ExposeAsString());
        Assert.Equal(2, _sm.Emulator.Counters.Requests);
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

    [Fact]
    public async Task Store_change_check_reads_the_value_again_only_after_a_new_version()
    {
        _sm.Emulator.AddVersion("db", "one");
        await using var store = new SecretStore([_sm.CreateProvider()]);
        var reference = SecretReference.Parse("gcp-sm://db");

        var first = await store.GetSecretAsync(reference);
        var unchanged = await store.GetSecretPropertiesAsync(reference);
        var accessesBefore = _sm.Emulator.Counters.Accesses;
        var newVersion = _sm.Emulator.AddVersion("db", "two");
        var changed = await store.GetSecretPropertiesAsync(reference);

        Assert.Equal(first.Properties.ChangeToken, unchanged.ChangeToken);
        Assert.Equal(newVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), changed.Version);
        Assert.Equal(1, accessesBefore);
        Assert.Equal(1, _sm.Emulator.Counters.Accesses);
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

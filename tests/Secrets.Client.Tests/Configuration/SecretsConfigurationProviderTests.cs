using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Configuration;
using Secrets.Client.Testing;

namespace Secrets.Client.Tests.Configuration;

public class SecretsConfigurationProviderTests
{
    private static InMemorySecretProvider NewProvider(FakeTimeProvider? time = null) =>
        new(new InMemorySecretProviderOptions { TimeProvider = time ?? new FakeTimeProvider() });

    [Fact]
    public void Named_secrets_load_with_derived_keys_fields_and_flattened_json()
    {
        var provider = NewProvider();
        provider.Set("prod/db", Canary.Json);
        provider.Set("api--key", "k-123");

        var config = new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(provider);
                source.Add("memory://prod/db");
                source.Add("memory://api--key");
                source.Add("memory://prod/db#password", "Db:Password");
                source.Add("memory://prod/db#port");
            })
            .Build();

        Assert.Equal("app", config["prod:db:user"]);
        Assert.Equal("5432", config["prod:db:port"]);
        Assert.Equal(Canary.Rotated, config["prod:db:nested:token"]);
        Assert.Equal("k-123", config["api:key"]);
        Assert.Equal(Canary.Value, config["Db:Password"]);
        Assert.Equal(Canary.Value, config["DB:PASSWORD"]);
        Assert.Equal("5432", config["prod:db:port"]);
        Assert.Equal(1, provider.BatchCalls);
    }

    [Fact]
    public void A_prefix_loads_every_secret_under_it_with_the_prefix_removed()
    {
        var provider = NewProvider();
        provider.Set("app/a", "1");
        provider.Set("app/b--c", "2");
        provider.Set("other/x", "3");

        var config = new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(provider);
                source.AddPrefix("memory", "app/", "MyApp");
            })
            .Build();

        Assert.Equal("1", config["MyApp:a"]);
        Assert.Equal("2", config["MyApp:b:c"]);
        Assert.Null(config["other:x"]);
        Assert.Null(config["MyApp:x"]);
    }

    [Fact]
    public void A_long_listing_is_fetched_in_chunks_as_it_is_listed_and_later_sources_of_a_key_win()
    {
        var provider = NewProvider();
        for (var i = 0; i < 120; i++)
        {
            provider.Set($"app/s{i:D3}", $"v{i}");
        }

        provider.Set("override", "from-reference");
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["App:s000"] = "memory://override" })
            .AddSecrets(source =>
            {
                source.Providers.Add(provider);
                source.Add("memory://app/s001", "App:s001");
                source.AddPrefix("memory", "app/", "App");
            })
            .Build();

        Assert.Equal("v119", config["App:s119"]);
        Assert.Equal("v1", config["App:s001"]);
        Assert.Equal("from-reference", config["App:s000"]);
        // Chunks of 50, 50 and 20 listed secrets, each fetched in batches of at most 20 (a lone secret is a single fetch).
        Assert.Equal(3 + 3 + 1, provider.BatchCalls);
    }

    [Fact]
    public void References_written_in_earlier_sources_are_resolved_and_other_urls_left_alone()
    {
        var provider = NewProvider();
        provider.Set("prod/db", Canary.Json);

        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Db"] = "memory://prod/db#password",
                ["Services:Api"] = "https://example.com/api",
                ["Plain"] = "value",
            })
            .AddSecrets(source => source.Providers.Add(provider))
            .Build();

        Assert.Equal(Canary.Value, config.GetConnectionString("Db"));
        Assert.Equal("https://example.com/api", config["Services:Api"]);
        Assert.Equal("value", config["Plain"]);
    }

    [Fact]
    public void A_missing_required_secret_fails_the_build_with_a_typed_error_and_an_optional_one_is_skipped()
    {
        var provider = NewProvider();
        provider.Set("present", "x");

        var error = Assert.Throws<SecretNotFoundException>(() => new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(provider);
                source.Add("memory://present");
                source.Add("memory://absent");
            })
            .Build());
        var config = new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(NewProvider());
                source.AddOptional("memory://absent");
            })
            .Build();

        Assert.Equal("absent", error.SecretName);
        Assert.Null(config["absent"]);
    }

    [Fact]
    public void Several_missing_secrets_are_reported_together()
    {
        var error = Assert.Throws<AggregateException>(() => new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(NewProvider());
                source.Add("memory://one");
                source.Add("memory://two");
            })
            .Build());

        Assert.Contains("memory:one", error.Message, StringComparison.Ordinal);
        Assert.Contains("memory:two", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.InnerExceptions.Count);
    }

    [Fact]
    public void An_optional_source_survives_an_unreachable_provider()
    {
        var provider = NewProvider();
        provider.Set("x", "1");
        provider.Options.Resilience.MaxRetryAttempts = 0;
        provider.Faults.FailNext(10);

        var config = new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(provider);
                source.Optional = true;
                source.Add("memory://x");
            })
            .Build();

        Assert.Null(config["x"]);
    }

    [Fact]
    public void Start_up_loading_runs_in_parallel_within_the_concurrency_bound()
    {
        var provider = new InMemorySecretProvider(new InMemorySecretProviderOptions { MaxBatchSize = 1 });
        var inflight = 0;
        var peak = 0;
        provider.BeforeCall = async (_, ct) =>
        {
            var now = Interlocked.Increment(ref inflight);
            int seen;
            while (now > (seen = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
            {
            }

            await Task.Delay(5, ct);
            Interlocked.Decrement(ref inflight);
        };
        for (var i = 0; i < 30; i++)
        {
            provider.Set($"s{i}", "v");
        }

        var config = new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(provider);
                source.StoreOptions.MaxConcurrency = 3;
                for (var i = 0; i < 30; i++)
                {
                    source.Add($"memory://s{i}");
                }
            })
            .Build();

        Assert.Equal("v", config["s29"]);
        Assert.InRange(peak, 1, 3);
    }

    [Fact]
    public async Task Rotation_reloads_configuration_and_IOptionsMonitor_sees_the_new_value()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var provider = NewProvider(time);
        provider.Set("db", "{\"Password\":\"first\",\"Port\":1}");
        var config = new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(provider);
                source.TimeProvider = time;
                source.StoreOptions.Randomizer = () => 0;
                source.Add("memory://db", "Db");
            })
            .Build();
        using var services = new ServiceCollection().Configure<DbOptions>(config.GetSection("Db")).BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<DbOptions>>();
        Assert.Equal("first", monitor.CurrentValue.Password);
        var changed = new TaskCompletionSource<DbOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = monitor.OnChange(options => changed.TrySetResult(options));

        provider.Set("db", "{\"Password\":\"second\",\"Port\":2}");
        time.Advance(TimeSpan.FromMinutes(4)); // the 1-minute refresh timer finds the secret due (5 min x 0.8)
        var updated = await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("second", updated.Password);
        Assert.Equal(2, updated.Port);
        Assert.Equal("second", monitor.CurrentValue.Password);
        ((IDisposable)config).Dispose();
    }

    [Theory]
    [InlineData("app--db--password", "app:db:password")]
    [InlineData("prod/db/password", "prod:db:password")]
    [InlineData("Feature__Enabled", "Feature:Enabled")]
    [InlineData("/leading/", "leading")]
    public void Secret_names_map_to_configuration_keys(string name, string key)
    {
        Assert.Equal(key, SecretsConfigurationSource.DefaultKeyMapper(name));
    }

    private sealed class DbOptions
    {
        public string? Password { get; set; }

        public int Port { get; set; }
    }
}

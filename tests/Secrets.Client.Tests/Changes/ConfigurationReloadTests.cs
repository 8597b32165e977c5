using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Configuration;
using Secrets.Client.Testing;

namespace Secrets.Client.Tests.Changes;

public class ConfigurationReloadTests
{
    [Fact]
    public async Task A_failed_reload_is_logged_through_the_host_without_a_logger_factory_and_succeeds_on_retry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var providerOptions = new InMemorySecretProviderOptions { TimeProvider = time };
        providerOptions.Resilience.RetryBaseDelay = TimeSpan.Zero;
        providerOptions.Resilience.EnableCircuitBreaker = false;
        var provider = new InMemorySecretProvider(providerOptions);
        provider.Set("db", Canary.Value);
        var outage = 0;
        provider.BeforeCall = (_, _) => Volatile.Read(ref outage) == 1 ? throw new SecretUnavailableException(provider.Name, "db", "Service unavailable.") : Task.CompletedTask;
        var logs = new FakeLogCollector();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Staging" });
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.AddSecrets(source =>
        {
            source.Providers.Add(provider);
            source.Add("memory://db", "Db");
        });
        using var host = builder.Build();
        var store = host.Services.GetRequiredService<SecretStore>();
        Assert.Same(store, host.Services.GetRequiredService<ISecretStore>());
        Assert.Equal("Staging", store.Environment);
        var secrets = ((IConfigurationRoot)builder.Configuration).Providers.OfType<SecretsConfigurationProvider>().Single();
        Assert.Same(store, secrets.Store);
        Assert.Equal(Canary.Value, host.Services.GetRequiredService<IConfiguration>()["Db"]);

        Volatile.Write(ref outage, 1);
        provider.Set("db", Canary.Rotated);
        store.Invalidate(SecretReference.Parse("memory://db")); // the reload it triggers fails: nothing cached, backend down
        await Eventually.TrueAsync(() => logs.GetSnapshot().Any(r => r.Message.Contains("Reloading secrets configuration failed", StringComparison.Ordinal)), "the failed reload was logged through the host");
        await Eventually.TrueAsync(() => logs.GetSnapshot().Any(r => r.Message.Contains("retry 1", StringComparison.Ordinal)), "a retry was scheduled");
        Assert.Equal(Canary.Value, builder.Configuration["Db"]);

        Volatile.Write(ref outage, 0);
        time.Advance(TimeSpan.FromSeconds(1)); // the first retry, after ReloadRetryDelay
        await Eventually.TrueAsync(() => builder.Configuration["Db"] == Canary.Rotated, "the retry reloaded the new value");
        foreach (var record in logs.GetSnapshot())
        {
            Canary.AssertAbsent(record.Message);
        }
    }

    [Fact]
    public async Task The_host_builders_store_audits_through_the_sink_the_container_resolves_including_the_start_up_load()
    {
        var provider = new InMemorySecretProvider();
        provider.Set("db", Canary.Value);
        var sink = new RecordingAuditSink();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Staging" });
        builder.AddSecrets(source =>
        {
            source.Providers.Add(provider);
            source.Add("memory://db", "Db");
        });
        builder.Services.AddSingleton<ISecretAuditSink>(sink); // registered after AddSecrets, as an app would
        Assert.Empty(sink.Records); // the start-up load ran while the host was being built: kept, not lost

        using var host = builder.Build();
        var store = host.Services.GetRequiredService<ISecretStore>();
        var startUp = Assert.Single(sink.Records);
        Assert.Equal("db", startUp.SecretName);
        Assert.Equal("Staging", startUp.Environment);

        await store.GetSecretAsync(SecretReference.Parse("memory://db"));
        Assert.Equal(2, sink.Records.Count); // later reads go straight to the container's sink
    }

    [Fact]
    public async Task Optional_secrets_choose_whether_access_denied_is_tolerated_and_lazy_ones_arrive_after_start_up()
    {
        var provider = new InMemorySecretProvider(new InMemorySecretProviderOptions { MaxBatchSize = 1 });
        provider.Set("present", "p");
        provider.Set("denied", "d");
        provider.Set("lazy", "l");
        var lazyCalls = 0;
        provider.BeforeCall = (name, _) =>
        {
            if (name == "lazy")
            {
                Interlocked.Increment(ref lazyCalls);
            }

            return name == "denied" ? throw new SecretAccessDeniedException(provider.Name, name) : Task.CompletedTask;
        };

        var denied = Assert.Throws<SecretAccessDeniedException>(() => new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(new InMemorySecretProvider { BeforeCall = provider.BeforeCall });
                source.AddOptional("memory://denied");
            })
            .Build());
        Assert.Equal("denied", denied.SecretName);

        var configuration = new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(provider);
                source.Add("memory://present");
                source.AddOptional("memory://missing");
                source.AddOptionalEvenIfDenied("memory://denied");
                source.AddLazy("memory://lazy");
            })
            .Build();

        Assert.Equal("p", configuration["present"]);
        Assert.Null(configuration["missing"]);
        Assert.Null(configuration["denied"]);
        await Eventually.TrueAsync(() => configuration["lazy"] == "l", "the lazy secret arrived after start-up");
        Assert.Equal(1, lazyCalls);
        ((IDisposable)configuration).Dispose();
    }

    [Fact]
    public void A_pluggable_key_mapper_names_keys_and_each_key_says_which_reference_provider_and_version_supplied_it()
    {
        var provider = new InMemorySecretProvider();
        provider.Set("app.db.password", Canary.Value);
        provider.Set("prod/api", "{\"key\":\"" + Canary.Rotated + "\"}");
        provider.Set("prod/api", "{\"key\":\"" + Canary.Rotated + "\"}");
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(provider);
                source.KeyMapper = name => SecretsConfigurationSource.DefaultKeyMapper(name.Replace('.', ':'));
                source.Add("memory://app.db.password");
                source.Add("memory://prod/api");
            })
            .Build();
        var secrets = configuration.Providers.OfType<SecretsConfigurationProvider>().Single();

        Assert.Equal(Canary.Value, configuration["app:db:password"]);
        var source = secrets.GetKeySources()["prod:api:key"];
        Assert.Equal("memory://prod/api", source.Reference.ToString());
        Assert.Equal("memory", source.Provider);
        Assert.Equal("2", source.Version);
        var view = secrets.GetDebugView();
        Assert.Contains("app:db:password <- memory://app.db.password (memory, version 1)", view, StringComparison.Ordinal);
        Canary.AssertAbsent(view);
    }

    [Fact]
    public async Task References_in_earlier_sources_resolve_and_follow_changes_through_a_decorated_store()
    {
        await using var f = new StoreFixture();
        f.Provider.Set("db", Canary.Value);
        var decorated = new ForwardingSecretStore(f.Store);
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Db"] = "memory://db", ["Other"] = "unknown://x" })
            .AddSecrets(decorated, _ => { })
            .Build();
        Assert.Equal(Canary.Value, configuration.GetConnectionString("Db"));
        Assert.Equal("unknown://x", configuration["Other"]);
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = configuration.GetReloadToken().RegisterChangeCallback(_ => reloaded.TrySetResult(), null);

        using (var value = SecretValue.FromText(Canary.Rotated))
        {
            await f.Store.SetSecretAsync(SecretReference.Parse("memory://db"), value);
        }

        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Canary.Rotated, configuration.GetConnectionString("Db"));
        Assert.True(decorated.Tokens > 0);
    }

    [Fact]
    public async Task Over_a_store_built_with_logging_a_failed_reload_is_logged_there_without_a_logger_factory_on_the_source()
    {
        await using var f = new StoreFixture();
        f.Provider.Set("db", Canary.Value);
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddSecrets(f.Store, source =>
            {
                source.TimeProvider = f.Time;
                source.Add("memory://db", "Db");
            })
            .Build();

        f.Provider.Faults.FailNext(1000);
        f.Store.Invalidate(SecretReference.Parse("memory://db"));
        await Eventually.TrueAsync(() => f.Logs.GetSnapshot().Any(r => r.Message.Contains("Reloading secrets configuration failed", StringComparison.Ordinal)), "the failure was logged through the store's logging");
        Assert.Equal(Canary.Value, configuration["Db"]);

        f.Provider.Faults.Reset();
        f.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => f.Logs.GetSnapshot().Any(r => r.Message.Contains("Secrets configuration reloaded", StringComparison.Ordinal)), "the retry succeeded");
        Canary.AssertAbsent(f.AllLogText());
    }
}

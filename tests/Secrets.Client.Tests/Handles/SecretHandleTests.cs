using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Secrets.Client.Testing;

namespace Secrets.Client.Tests.SecretHandles;

public class SecretHandleTests
{
    [Fact]
    public async Task A_value_read_through_a_handle_is_never_a_string_in_configuration_and_reads_are_audited()
    {
        var provider = new InMemorySecretProvider();
        provider.Set("prod/db", Canary.Json);
        var audit = new RecordingAuditSink();
        await using var store = new SecretStore([provider], new SecretStoreOptions { Environment = "Development" }, auditSink: audit);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Db:Password"] = "handle:memory://prod/db#password",
                ["Db:Host"] = "db.internal",
            })
            .AddSecrets(store, _ => { })
            .Build();
        await using var services = new ServiceCollection()
            .AddSingleton<ISecretStore>(store)
            .Configure<DbOptions>(configuration.GetSection("Db"))
            .AddSecretHandles<DbOptions>()
            .BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<DbOptions>>().Value;
        var secret = await options.Password!.GetSecretAsync();

        Assert.Equal(Canary.Value, secret.Value.ExposeAsString());
        Assert.Equal("db.internal", options.Host);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            Canary.AssertAbsent(key);
            Canary.AssertAbsent(value);
        }

        Canary.AssertAbsent(options.Password.ToString());
        Canary.AssertAbsent(secret.ToString());
        Assert.Contains(audit.Records, record => record.SecretName == "prod/db" && record.Field == "password");
    }

    [Fact]
    public async Task A_handle_bound_from_plaintext_fails_with_a_typed_error_that_does_not_repeat_it()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Db:Password"] = Canary.Value })
            .Build();

        var handle = configuration.GetSection("Db").Get<DbOptions>()!.Password!;
        var error = await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => handle.GetSecretAsync().AsTask());

        Assert.False(handle.IsValid);
        Canary.AssertAbsent(error);
        Canary.AssertAbsent(handle.ToString());
    }

    [Fact]
    public async Task An_unbound_handle_says_how_to_bind_it()
    {
        var handle = SecretHandle.Parse("handle:memory://db");

        Assert.False(handle.IsBound);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => handle.GetSecretAsync().AsTask());
        Assert.Contains("AddSecretHandles", error.Message, StringComparison.Ordinal);
    }

    private sealed class DbOptions
    {
        public SecretHandle? Password { get; set; }

        public string? Host { get; set; }
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Client.Testing;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

/// <summary>ISecretStore and configuration over the emulator, with credentials from the default chain (environment variables).</summary>
[Collection(ProcessEnvironmentGroup.Name)]
public sealed class EndToEndTests
{
    private static EnvironmentScope CredentialsFrom(AwsSecretsManagerEmulator emulator) => new EnvironmentScope()
        .Set("AWS_ACCESS_KEY_ID", emulator.AccessKeyId)
        .Set("AWS_SECRET_ACCESS_KEY", emulator.SecretAccessKey)
        .Set("AWS_SESSION_TOKEN", null)
        .Set("AWS_ENDPOINT_URL", null)
        .Set("AWS_ENDPOINT_URL_SECRETS_MANAGER", null);

    [Fact]
    public async Task Secret_store_from_di_reads_fields_and_batches_through_the_emulator()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("e2e/db", """{"username":"app","password":"e2e-password"}""");
        for (var i = 0; i < 30; i++)
        {
            emulator.CreateSecret($"e2e/many/{i:D2}", $"many-{i}");
        }

        using var _ = CredentialsFrom(emulator);
        var services = new ServiceCollection().AddLogging();
        services.AddSecretStore(store => store.AddAwsSecretsManager(o =>
        {
            o.Region = emulator.Region;
            o.Endpoint = emulator.Endpoint;
        }));
        await using var provider = services.BuildServiceProvider();
        var secrets = provider.GetRequiredService<ISecretStore>();

        var password = await secrets.GetSecretAsync("aws-sm://e2e/db#password");
        var again = await secrets.GetSecretAsync("aws-sm://e2e/db#username");
        var many = await secrets.GetSecretsAsync(Enumerable.Range(0, 30).Select(i => SecretReference.Parse($"aws-sm://e2e/many/{i:D2}")).ToArray());
        var properties = await secrets.GetSecretPropertiesAsync(SecretReference.Parse("aws-sm://e2e/db"));

        Assert.Equal("e2e-password", Text(password));
        Assert.Equal("app", Text(again));
        Assert.Equal(1, emulator.GetRequestCount("GetSecretValue"));
        Assert.All(many, r => Assert.True(r.IsSuccess));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"many-{i}"), many.Select(r => Text(r.Secret!)));
        Assert.Equal(2, emulator.GetRequestCount("BatchGetSecretValue"));
        Assert.Equal(emulator.GetVersionId("e2e/db"), properties.Version);
    }

    [Fact]
    public async Task Configuration_loads_named_secrets_and_a_prefix_with_json_sections()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("prod/db", """{"password":"cfg-password"}""");
        emulator.CreateSecret("prod/app/Api--Key", "api-key-value");
        emulator.CreateSecret("prod/app/Smtp", """{"Host":"smtp.example","Port":587}""");
        emulator.CreateSecret("other/ignored", "nope");
        using var _ = CredentialsFrom(emulator);

        var configuration = new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions { Region = emulator.Region, Endpoint = emulator.Endpoint }));
                source.Add("aws-sm://prod/db#password", "Database:Password");
                source.AddPrefix("aws-sm", "prod/app/", "App");
                source.ReloadOnChange = false;
            })
            .Build();

        Assert.Equal("cfg-password", configuration["Database:Password"]);
        Assert.Equal("api-key-value", configuration["App:Api:Key"]);
        Assert.Equal("smtp.example", configuration["App:Smtp:Host"]);
        Assert.Equal("587", configuration["App:Smtp:Port"]);
        Assert.DoesNotContain(configuration.AsEnumerable(), pair => pair.Value == "nope");
        Assert.Equal(1, emulator.GetRequestCount("ListSecrets"));
    }
}

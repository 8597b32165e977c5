using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Client.Aws;
using Secrets.Client.Testing;

namespace Secrets.Client.Adapters.Tests.DependencyInjection;

/// <summary>
/// Done-when of issue 8: two AWS providers for two regions (two accounts, two profiles) run side by side, one registered
/// with a callback and one bound from configuration.
/// </summary>
public sealed class TwoAwsRegionsTests : IAsyncLifetime
{
    private readonly string _credentialsFile = Path.Combine(Path.GetTempPath(), "secrets-client-aws-" + Guid.NewGuid().ToString("N"));
    private AwsSecretsManagerEmulator _eu = null!;
    private AwsSecretsManagerEmulator _us = null!;

    public async Task InitializeAsync()
    {
        _eu = await AwsSecretsManagerEmulator.StartAsync(new AwsSecretsManagerEmulatorOptions { Region = "eu-west-1", AccessKeyId = "AKIAEUROPE0000000001", SecretAccessKey = "eu/secret/access/key/for/the/test/only0001" });
        _us = await AwsSecretsManagerEmulator.StartAsync(new AwsSecretsManagerEmulatorOptions { Region = "us-east-2", AccessKeyId = "AKIAAMERICA000000001", SecretAccessKey = "us/secret/access/key/for/the/test/only0001" });
        _eu.CreateSecret("prod/db", "eu-password");
        _us.CreateSecret("prod/db", "us-password");

        // Each provider signs with its own profile: the keys of one account are refused by the other.
        await File.WriteAllTextAsync(_credentialsFile, $"""
            [eu]
            aws_access_key_id = {_eu.AccessKeyId}
            aws_secret_access_key = {_eu.SecretAccessKey}

            [us]
            aws_access_key_id = {_us.AccessKeyId}
            aws_secret_access_key = {_us.SecretAccessKey}
            """);
    }

    public async Task DisposeAsync()
    {
        await _eu.DisposeAsync();
        await _us.DisposeAsync();
        File.Delete(_credentialsFile);
    }

    [Fact]
    public async Task Two_regions_run_side_by_side_from_a_callback_and_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Secrets:AwsUs:Region"] = "us-east-2",
            ["Secrets:AwsUs:Endpoint"] = _us.Endpoint.ToString(),
            ["Secrets:AwsUs:Profile"] = "us",
            ["Secrets:AwsUs:ProfilesLocation"] = _credentialsFile,
        }).Build();
        var services = new ServiceCollection();
        services.AddSecretStore(builder => builder
            .AddAwsSecretsManager("aws-eu", options =>
            {
                options.Region = "eu-west-1";
                options.Endpoint = _eu.Endpoint;
                options.Profile = "eu";
                options.ProfilesLocation = _credentialsFile;
            })
            .AddAwsSecretsManager("aws-us", configuration.GetSection("Secrets:AwsUs")));
        await using var container = services.BuildServiceProvider();
        var store = container.GetRequiredService<ISecretStore>();

        using var eu = await store.GetSecretAsync("aws-eu://prod/db");
        using var us = await store.GetSecretAsync("aws-us://prod/db");

        Assert.Equal("eu-password", eu.Value.ExposeAsString());
        Assert.Equal("us-password", us.Value.ExposeAsString());
        var providers = container.GetRequiredService<SecretStore>().Providers.Cast<AwsSecretsManagerSecretProvider>().ToDictionary(p => p.Name);
        Assert.Equal("eu-west-1", providers["aws-eu"].Region);
        Assert.Equal("us-east-2", providers["aws-us"].Region);
        Assert.Equal(_eu.AccessKeyId, providers["aws-eu"].Identity);
        Assert.Equal(_us.AccessKeyId, providers["aws-us"].Identity);
    }

    [Fact]
    public async Task A_profile_of_the_other_account_is_refused_by_that_region()
    {
        var services = new ServiceCollection();
        services.AddSecretStore(builder => builder.AddAwsSecretsManager("aws-eu", options =>
        {
            options.Region = "eu-west-1";
            options.Endpoint = _eu.Endpoint;
            options.Profile = "us";
            options.ProfilesLocation = _credentialsFile;
        }));
        await using var container = services.BuildServiceProvider();
        var store = container.GetRequiredService<ISecretStore>();

        await Assert.ThrowsAsync<SecretAccessDeniedException>(() => store.GetSecretAsync("aws-eu://prod/db").AsTask());
    }

    [Fact]
    public void An_unknown_profile_is_refused_at_start_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
        {
            Name = "aws-eu",
            Region = "eu-west-1",
            Profile = "nope",
            ProfilesLocation = _credentialsFile,
        }));

        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains("aws-eu", error.Message, StringComparison.Ordinal);
    }
}

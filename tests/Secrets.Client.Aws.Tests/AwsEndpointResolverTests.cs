using Amazon;
using Secrets.Client.Testing;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

[Collection(ProcessEnvironmentGroup.Name)]
public sealed class AwsEndpointResolverTests
{
    private static EnvironmentScope CleanEndpointEnvironment() => new EnvironmentScope()
        .Set("AWS_ENDPOINT_URL", null)
        .Set("AWS_ENDPOINT_URL_SECRETS_MANAGER", null)
        .Set("AWS_USE_FIPS_ENDPOINT", null)
        .Set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", null);

    [Theory]
    [InlineData("eu-west-1", false, "https://secretsmanager.eu-west-1.amazonaws.com/")]
    [InlineData("us-east-1", true, "https://secretsmanager-fips.us-east-1.amazonaws.com/")]
    [InlineData("us-gov-west-1", true, "https://secretsmanager-fips.us-gov-west-1.amazonaws.com/")]
    [InlineData("cn-north-1", false, "https://secretsmanager.cn-north-1.amazonaws.com.cn/")]
    public void Builds_regional_and_fips_endpoints(string region, bool fips, string expected)
    {
        using var _ = CleanEndpointEnvironment();
        var options = new AwsSecretsManagerSecretProviderOptions { Region = region, UseFips = fips };

        Assert.Equal(new Uri(expected), AwsEndpointResolver.ResolveServiceUrl(options, RegionEndpoint.GetBySystemName(region)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:4566")]
    [InlineData("http://localhost:4566/")]
    [InlineData("http://[::1]:4566/")]
    [InlineData("https://vpce-123.secretsmanager.us-east-1.vpce.amazonaws.com")]
    public void Accepts_https_anywhere_and_http_on_loopback(string url)
    {
        var options = new AwsSecretsManagerSecretProviderOptions { Region = "us-east-1", Endpoint = new Uri(url) };

        Assert.EndsWith("/", AwsEndpointResolver.ResolveServiceUrl(options, RegionEndpoint.USEast1).AbsoluteUri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://secretsmanager.internal:80/")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("ftp://127.0.0.1/")]
    public void Refuses_plain_http_off_loopback(string url)
    {
        var options = new AwsSecretsManagerSecretProviderOptions { Region = "us-east-1", Endpoint = new Uri(url) };

        var error = Assert.Throws<ArgumentException>(() => new AwsSecretsManagerSecretProvider(options));

        Assert.Contains("Endpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Honours_the_service_specific_endpoint_variable_and_fips_variable()
    {
        using var scope = CleanEndpointEnvironment().Set("AWS_ENDPOINT_URL", "http://127.0.0.1:1111").Set("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:2222");
        var options = new AwsSecretsManagerSecretProviderOptions { Region = "us-east-1" };

        Assert.Equal(2222, AwsEndpointResolver.ResolveServiceUrl(options, RegionEndpoint.USEast1).Port);
        scope.Set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true").Set("AWS_USE_FIPS_ENDPOINT", "true");
        Assert.Equal("secretsmanager-fips.us-east-1.amazonaws.com", AwsEndpointResolver.ResolveServiceUrl(options, RegionEndpoint.USEast1).Host);
    }

    [Fact]
    public async Task Reads_with_credentials_from_the_default_chain_environment_variables()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("env/creds", "from-env-chain");
        using var _ = CleanEndpointEnvironment()
            .Set("AWS_ACCESS_KEY_ID", emulator.AccessKeyId)
            .Set("AWS_SECRET_ACCESS_KEY", emulator.SecretAccessKey)
            .Set("AWS_SESSION_TOKEN", null)
            .Set("AWS_ENDPOINT_URL_SECRETS_MANAGER", emulator.Endpoint.ToString());
        await using var provider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions { Region = emulator.Region });

        using var secret = await provider.GetSecretAsync(Ref("env/creds"));

        Assert.Equal("from-env-chain", Text(secret));
        Assert.Equal(emulator.AccessKeyId, provider.Identity);
        Assert.Equal(emulator.Endpoint, provider.ServiceUrl);
    }
}

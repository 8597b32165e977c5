using System.Net;
using Secrets.Client.Aws;
using Secrets.Client.Doppler;
using Secrets.Client.Gcp;
using Secrets.Client.OnePassword;
using Secrets.Client.Vault;

namespace Secrets.Client.Adapters.Tests.Transport;

/// <summary>
/// Security finding of issue 8: an endpoint answering 307 to another host must not get the bearer token, the Kubernetes
/// login JWT, the X-Vault-Token or a signed request. A second loopback host stands in for the attacker and must see nothing.
/// </summary>
public sealed class RedirectRefusalTests : IAsyncLifetime
{
    private const string Token = "ya29.REDIRECT-CANARY-TOKEN";
    private const string Jwt = "eyJhbGciOiJSUzI1NiJ9.REDIRECT-CANARY-JWT.sig";
    private readonly string _jwtFile = Path.Combine(Path.GetTempPath(), "secrets-client-jwt-" + Guid.NewGuid().ToString("N"));
    private RawLoopbackServer _attacker = null!;
    private RawLoopbackServer _redirecting = null!;

    public async Task InitializeAsync()
    {
        // 127.0.0.2 is another host as far as HTTP is concerned: a followed redirect would carry credentials across.
        _attacker = RawLoopbackServer.Answering(IPAddress.Parse("127.0.0.2"), _ => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        _redirecting = RawLoopbackServer.Answering(IPAddress.Loopback, _ => RawLoopbackServer.Redirect(new Uri(_attacker.Endpoint, "steal")));
        await File.WriteAllTextAsync(_jwtFile, Jwt);
    }

    public async Task DisposeAsync()
    {
        await _redirecting.DisposeAsync();
        await _attacker.DisposeAsync();
        File.Delete(_jwtFile);
    }

    [Fact]
    public async Task Gcp_does_not_follow_a_redirect_with_its_bearer_token()
    {
        await using var provider = new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions
        {
            Endpoint = _redirecting.Endpoint,
            DefaultProject = "p",
            AccessTokenProvider = _ => new ValueTask<string>(Token),
        });

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://p/db")).AsTask());

        AssertRefused(error, Token);
    }

    [Fact]
    public async Task Vault_does_not_follow_a_redirect_with_the_Kubernetes_login_jwt()
    {
        await using var provider = new HashiCorpVaultSecretProvider(new HashiCorpVaultSecretProviderOptions
        {
            Endpoint = _redirecting.Endpoint,
            Role = "app",
            ServiceAccountTokenPath = _jwtFile,
        });

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/db")).AsTask());

        AssertRefused(error, Jwt);
    }

    [Fact]
    public async Task Vault_does_not_follow_a_redirect_with_its_token_even_through_a_handler_that_would()
    {
        var variable = "SECRETS_CLIENT_TEST_VAULT_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, Token);
        try
        {
            // HttpClientHandler follows redirects by default; the transport turns that off on the handler it is given.
            using var handler = new HttpClientHandler();
            await using var provider = new HashiCorpVaultSecretProvider(new HashiCorpVaultSecretProviderOptions
            {
                Endpoint = _redirecting.Endpoint,
                AuthMethod = VaultAuthMethod.Token,
                TokenEnvironmentVariable = variable,
                Environment = "Development",
                HttpHandler = handler,
            });

            var error = await Assert.ThrowsAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/db")).AsTask());

            AssertRefused(error, Token);
            Assert.False(handler.AllowAutoRedirect);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Aws_does_not_follow_a_redirect_with_a_signed_request()
    {
        await using var provider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
        {
            Region = "eu-west-1",
            Endpoint = _redirecting.Endpoint,
            Credentials = new Amazon.Runtime.BasicAWSCredentials("AKIAREDIRECTCANARY01", "redirect/secret/key/canary/0000000000000"),
        });

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("aws-sm://prod/db")).AsTask());

        AssertRefused(error, "AKIAREDIRECTCANARY01");
    }

    [Fact]
    public async Task OnePassword_Connect_does_not_follow_a_redirect_with_its_token()
    {
        await using var provider = new OnePasswordSecretProvider(new OnePasswordSecretProviderOptions
        {
            Transport = OnePasswordTransport.Connect,
            Endpoint = _redirecting.Endpoint,
            ConnectToken = Token,
        });

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("op://abcdefghijklmnopqrstuvwxyz/abcdefghijklmnopqrstuvwxy2/password")).AsTask());

        AssertRefused(error, Token);
    }

    [Fact]
    public async Task Doppler_does_not_follow_a_redirect_with_its_service_token()
    {
        await using var provider = new DopplerSecretProvider(new DopplerSecretProviderOptions { Endpoint = _redirecting.Endpoint, ServiceToken = Token });

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("doppler://STRIPE_KEY")).AsTask());

        AssertRefused(error, Token);
    }

    private void AssertRefused(SecretStoreException error, string credential)
    {
        Assert.Equal("RedirectRefused", error.ErrorCode);
        Assert.False(error.IsTransient);
        Assert.DoesNotContain(credential, error.ToString(), StringComparison.Ordinal);
        Assert.Contains(_redirecting.Requests, r => r.Contains(credential, StringComparison.Ordinal));
        Assert.Empty(_attacker.Requests);
    }
}

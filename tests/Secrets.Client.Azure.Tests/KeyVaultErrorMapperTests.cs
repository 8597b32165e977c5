using System.Net;
using System.Text;
using Azure;
using Azure.Core.Pipeline;
using Azure.Identity;
using Secrets.Client.Testing;

namespace Secrets.Client.Azure.Tests;

/// <summary>Status codes and headers the emulator does not produce, answered by a canned handler through the real SDK pipeline.</summary>
public sealed class KeyVaultErrorMapperTests
{
    [Theory]
    [InlineData(403, "Forbidden", typeof(SecretAccessDeniedException))]
    [InlineData(401, "Unauthorized", typeof(SecretAccessDeniedException))]
    [InlineData(404, "SecretNotFound", typeof(SecretNotFoundException))]
    [InlineData(408, "RequestTimeout", typeof(SecretUnavailableException))]
    [InlineData(429, "Throttled", typeof(SecretUnavailableException))]
    [InlineData(500, "InternalServerError", typeof(SecretUnavailableException))]
    [InlineData(502, "BadGateway", typeof(SecretUnavailableException))]
    [InlineData(400, "BadParameter", typeof(InvalidSecretReferenceException))]
    [InlineData(409, "Conflict", typeof(SecretStoreException))]
    public async Task Status_codes_map_to_typed_errors(int status, string code, Type expected)
    {
        var provider = CreateProvider(new CannedHandler((HttpStatusCode)status, code));

        var error = await Assert.ThrowsAnyAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db")).AsTask());

        Assert.IsType(expected, error);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Retry-After", "3", 3000)]
    [InlineData("retry-after-ms", "1500", 1500)]
    [InlineData("x-ms-retry-after-ms", "250", 250)]
    public async Task Retry_after_headers_are_read(string header, string value, int expectedMilliseconds)
    {
        var provider = CreateProvider(new CannedHandler((HttpStatusCode)429, "Throttled", (header, value)));

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db")).AsTask());

        Assert.True(error.IsThrottled);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), error.RetryAfter);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_relative_to_the_response_date()
    {
        var now = new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var provider = CreateProvider(new CannedHandler((HttpStatusCode)503, "ServiceUnavailable", ("Retry-After", now.AddSeconds(20).ToString("r")), ("Date", now.ToString("r"))));

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db")).AsTask());

        Assert.False(error.IsThrottled);
        Assert.Equal(TimeSpan.FromSeconds(20), error.RetryAfter);
    }

    [Fact]
    public async Task Unreachable_vault_is_unavailable()
    {
        var provider = CreateProvider(new FailingHandler());

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db")).AsTask());

        Assert.True(error.IsTransient);
    }

    [Fact]
    public void Credential_failures_map_to_access_denied_or_unavailable()
    {
        var unavailable = KeyVaultErrorMapper.Map("azure-kv", "db", new CredentialUnavailableException("no credential"), out _);
        var failed = KeyVaultErrorMapper.Map("azure-kv", "db", new AuthenticationFailedException("IMDS timed out"), out _);
        var response = KeyVaultErrorMapper.Map("azure-kv", "db", new RequestFailedException(403, "denied", "Forbidden", null), out var status);

        Assert.IsType<SecretAccessDeniedException>(unavailable);
        Assert.IsType<SecretUnavailableException>(failed);
        Assert.IsType<SecretAccessDeniedException>(response);
        Assert.Equal(403, status);
    }

    private static AzureKeyVaultSecretProvider CreateProvider(HttpMessageHandler handler)
    {
        var options = new AzureKeyVaultSecretProviderOptions
        {
            Credential = new EmulatorTokenCredential("token"),
            ConfigureClientOptions = o => o.Transport = new HttpClientTransport(handler),
        };
        options.Vaults["main"] = new Uri("https://main.vault.azure.net/");
        return new AzureKeyVaultSecretProvider(options);
    }

    private sealed class CannedHandler(HttpStatusCode status, string code, params (string Name, string Value)[] headers) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(status)
            {
                Content = new StringContent($$$"""{"error":{"code":"{{{code}}}","message":"canned"}}""", Encoding.UTF8, "application/json"),
            };
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return Task.FromResult(response);
        }
    }

    private sealed class FailingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("connection refused");
    }
}

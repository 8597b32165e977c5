using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Testing.Tests.Azure;

/// <summary>The emulator's wire protocol, checked with raw HTTP and with the unmodified Azure SDK.</summary>
public sealed class AzureKeyVaultEmulatorTests : IAsyncLifetime, IDisposable
{
    private const string Api = "api-version=7.5";
    private KeyVaultHarness _vault = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _vault = await KeyVaultHarness.StartAsync();
        _http = new HttpClient(_vault.Emulator.CreateHandler()) { BaseAddress = _vault.Emulator.VaultUri };
    }

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Request_without_token_gets_the_bearer_challenge_and_the_service_error_json()
    {
        using var response = await _http.GetAsync($"secrets/db?{Api}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Matches("authorization=\"https://login.microsoftonline.com/[0-9a-f-]+\", resource=\"https://vault.azure.net\"", challenge.Parameter);
        var error = await ReadErrorAsync(response);
        Assert.Equal("Unauthorized", error.GetProperty("code").GetString());
        Assert.Equal(1, _vault.Emulator.Counters.Challenges);
        Assert.Equal(0, _vault.Emulator.Counters.Requests);
    }

    [Fact]
    public async Task Token_the_emulator_did_not_issue_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"secrets/db?{Api}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "forged");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Missing_or_unknown_api_version_is_a_bad_parameter()
    {
        using var missing = await SendAsync(HttpMethod.Get, "secrets/db");
        using var unknown = await SendAsync(HttpMethod.Get, "secrets/db?api-version=1.0");
        using var dated = await SendAsync(HttpMethod.Get, "secrets/db?api-version=2026-04-01");

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("BadParameter", (await ReadErrorAsync(missing)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, dated.StatusCode);
    }

    [Fact]
    public async Task Unknown_secret_is_404_SecretNotFound()
    {
        using var response = await SendAsync(HttpMethod.Get, $"secrets/nope?{Api}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await ReadErrorAsync(response);
        Assert.Equal("SecretNotFound", error.GetProperty("code").GetString());
        Assert.Contains("nope", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_name_is_a_bad_parameter()
    {
        using var response = await SendAsync(HttpMethod.Get, $"secrets/bad_name?{Api}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Put_returns_a_bundle_with_unix_second_attributes_and_tags()
    {
        using var response = await SendAsync(HttpMethod.Put, $"secrets/db?{Api}", """{"value":"v1","contentType":"text/plain","attributes":{"enabled":true,"exp":4102444800},"tags":{"team":"a"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal("v1", root.GetProperty("value").GetString());
        Assert.Equal("text/plain", root.GetProperty("contentType").GetString());
        Assert.Matches($"^{_vault.Emulator.VaultUri}secrets/db/[0-9a-f]{{32}}$", root.GetProperty("id").GetString());
        var attributes = root.GetProperty("attributes");
        Assert.Equal(4102444800, attributes.GetProperty("exp").GetInt64());
        Assert.Equal(JsonValueKind.Number, attributes.GetProperty("created").ValueKind);
        Assert.Equal("a", root.GetProperty("tags").GetProperty("team").GetString());
    }

    [Fact]
    public async Task Put_without_value_is_a_bad_parameter()
    {
        using var response = await SendAsync(HttpMethod.Put, $"secrets/db?{Api}", """{"contentType":"x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Disabled_secret_is_403_Forbidden_with_inner_SecretDisabled()
    {
        _vault.Emulator.SetSecret("db", "v", enabled: false);

        using var response = await SendAsync(HttpMethod.Get, $"secrets/db?{Api}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await ReadErrorAsync(response);
        Assert.Equal("Forbidden", error.GetProperty("code").GetString());
        Assert.Equal("SecretDisabled", error.GetProperty("innererror").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Expired_and_not_yet_valid_secrets_are_refused_by_the_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var vault = await KeyVaultHarness.StartAsync(new AzureKeyVaultEmulatorOptions { TimeProvider = clock });
        vault.Emulator.SetSecret("old", "v", expiresOn: clock.GetUtcNow().AddMinutes(-1));
        vault.Emulator.SetSecret("future", "v", notBefore: clock.GetUtcNow().AddMinutes(1));
        var client = vault.CreateClient();

        var expired = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("old"));
        var early = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("future"));
        clock.Advance(TimeSpan.FromMinutes(2));
        var nowValid = await client.GetSecretAsync("future");

        Assert.Equal(403, expired.Status);
        Assert.Contains("SecretExpired", expired.Message, StringComparison.Ordinal);
        Assert.Contains("SecretNotYetValid", early.Message, StringComparison.Ordinal);
        Assert.Equal("v", nowValid.Value.Value);
    }

    [Fact]
    public async Task Listing_pages_with_nextLink_until_done()
    {
        for (var i = 0; i < 30; i++)
        {
            _vault.Emulator.SetSecret($"s{i:D2}", "v");
        }

        using var first = await SendAsync(HttpMethod.Get, $"secrets?{Api}&maxresults=20");
        using var firstBody = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        var nextLink = firstBody.RootElement.GetProperty("nextLink").GetString()!;
        using var second = await SendAsync(HttpMethod.Get, nextLink);
        using var secondBody = JsonDocument.Parse(await second.Content.ReadAsStringAsync());

        Assert.Equal(20, firstBody.RootElement.GetProperty("value").GetArrayLength());
        Assert.StartsWith(_vault.Emulator.VaultUri + "secrets?", nextLink, StringComparison.Ordinal);
        Assert.Equal(10, secondBody.RootElement.GetProperty("value").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, secondBody.RootElement.GetProperty("nextLink").ValueKind);
        var item = firstBody.RootElement.GetProperty("value")[0];
        Assert.Equal($"{_vault.Emulator.VaultUri}secrets/s00", item.GetProperty("id").GetString());
        Assert.False(item.TryGetProperty("value", out _));
    }

    [Fact]
    public async Task Listing_refuses_maxresults_above_the_service_cap()
    {
        using var response = await SendAsync(HttpMethod.Get, $"secrets?{Api}&maxresults=26");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Throttle_fault_is_429_with_Retry_After()
    {
        _vault.Emulator.Faults.RetryAfter = TimeSpan.FromSeconds(7);
        _vault.Emulator.Faults.ThrottleNext(1);

        using var throttled = await SendAsync(HttpMethod.Get, $"secrets/db?{Api}");
        using var after = await SendAsync(HttpMethod.Get, $"secrets/db?{Api}");

        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), throttled.Headers.RetryAfter?.Delta);
        Assert.Equal("Throttled", (await ReadErrorAsync(throttled)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task Server_error_fault_is_503_in_the_service_shape()
    {
        _vault.Emulator.Faults.FailNext(1);

        using var response = await SendAsync(HttpMethod.Get, $"secrets/db?{Api}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("ServiceUnavailable", (await ReadErrorAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Dropped_connection_fault_aborts_the_request()
    {
        _vault.Emulator.Faults.DropNext(1);

        await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(HttpMethod.Get, $"secrets/db?{Api}"));
    }

    [Fact]
    public async Task Unmodified_SecretClient_follows_the_challenge_and_round_trips_versions()
    {
        var client = _vault.CreateClient();
        var credential = _vault.Emulator.CreateCredential();
        var tracked = new SecretClient(_vault.Emulator.VaultUri, credential, ClientOptions());

        var v1 = (await tracked.SetSecretAsync("db", "one")).Value;
        var v2 = (await client.SetSecretAsync(new KeyVaultSecret("db", "two") { Properties = { ContentType = "text/plain", Tags = { ["env"] = "Development" } } })).Value;
        var latest = (await client.GetSecretAsync("db")).Value;
        var pinned = (await client.GetSecretAsync("db", v1.Properties.Version)).Value;
        var versions = new List<string>();
        await foreach (var version in client.GetPropertiesOfSecretVersionsAsync("db"))
        {
            versions.Add(version.Version);
        }

        Assert.Equal("two", latest.Value);
        Assert.Equal(v2.Properties.Version, latest.Properties.Version);
        Assert.Equal("text/plain", latest.Properties.ContentType);
        Assert.Equal("Development", latest.Properties.Tags["env"]);
        Assert.Equal("one", pinned.Value);
        Assert.Equal([v1.Properties.Version, v2.Properties.Version], versions);
        Assert.Equal(["https://vault.azure.net/.default"], credential.LastScopes);
        Assert.Equal("72f988bf-0000-0000-0000-2d7cd011db47", credential.LastTenantId);
    }

    [Fact]
    public async Task Unmodified_SecretClient_updates_deletes_and_purges()
    {
        var client = _vault.CreateClient();
        var created = (await client.SetSecretAsync("db", "one")).Value;

        created.Properties.Enabled = false;
        var updated = (await client.UpdateSecretPropertiesAsync(created.Properties)).Value;
        var disabled = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("db"));
        var operation = await client.StartDeleteSecretAsync("db");
        await operation.WaitForCompletionAsync();
        var gone = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("db"));
        await client.PurgeDeletedSecretAsync("db");
        var recreated = (await client.SetSecretAsync("db", "fresh")).Value;

        Assert.False(updated.Enabled);
        Assert.Equal(403, disabled.Status);
        Assert.Equal(404, gone.Status);
        Assert.Equal("SecretNotFound", gone.ErrorCode);
        Assert.Equal("fresh", recreated.Value);
    }

    private SecretClientOptions ClientOptions()
    {
        var options = new SecretClientOptions();
        _vault.Wire(options);
        return options;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, string? json = null)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _vault.Emulator.TestToken);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }

    private static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("error").Clone();
    }
}

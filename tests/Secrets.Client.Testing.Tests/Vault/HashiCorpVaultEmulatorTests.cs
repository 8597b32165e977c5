using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Testing.Tests.Vault;

/// <summary>The emulator answered over raw HTTP, as Vault answers: tokens, KV v2 versions, metadata, LIST, errors.</summary>
public sealed class HashiCorpVaultEmulatorTests : IAsyncLifetime, IDisposable
{
    private HashiCorpVaultEmulator _vault = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _vault = await HashiCorpVaultEmulator.StartAsync();
        _http = new HttpClient { BaseAddress = _vault.Address };
    }

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Requests_without_a_known_token_get_403_permission_denied()
    {
        using var none = await _http.GetAsync(new Uri("v1/secret/data/x", UriKind.Relative));
        using var unknown = await SendAsync(HttpMethod.Get, "v1/secret/data/x", token: "hvs.nope");

        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        Assert.Equal("""{"errors":["permission denied"]}""", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Kv_v2_write_read_versions_and_check_and_set()
    {
        using var first = await SendAsync(HttpMethod.Post, "v1/secret/data/app/db", body: """{"data":{"p":"1"}}""");
        using var second = await SendAsync(HttpMethod.Post, "v1/secret/data/app/db", body: """{"data":{"p":"2"},"options":{"cas":1}}""");
        using var staleCas = await SendAsync(HttpMethod.Post, "v1/secret/data/app/db", body: """{"data":{"p":"3"},"options":{"cas":1}}""");
        using var latest = await SendAsync(HttpMethod.Get, "v1/secret/data/app/db");
        using var pinned = await SendAsync(HttpMethod.Get, "v1/secret/data/app/db?version=1");

        Assert.Equal(1, (await JsonAsync(first)).GetProperty("data").GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, staleCas.StatusCode);
        var latestData = (await JsonAsync(latest)).GetProperty("data");
        Assert.Equal("2", latestData.GetProperty("data").GetProperty("p").GetString());
        Assert.Equal(2, latestData.GetProperty("metadata").GetProperty("version").GetInt32());
        Assert.Equal(string.Empty, latestData.GetProperty("metadata").GetProperty("deletion_time").GetString());
        Assert.Equal("1", (await JsonAsync(pinned)).GetProperty("data").GetProperty("data").GetProperty("p").GetString());
    }

    [Fact]
    public async Task Delete_answers_404_with_metadata_and_undelete_restores_destroy_does_not()
    {
        _vault.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["p"] = "1" });
        _vault.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["p"] = "2" });
        using var delete = await SendAsync(HttpMethod.Post, "v1/secret/delete/app/db", body: """{"versions":[1,2]}""");
        using var deleted = await SendAsync(HttpMethod.Get, "v1/secret/data/app/db");
        using var undelete = await SendAsync(HttpMethod.Post, "v1/secret/undelete/app/db", body: """{"versions":[2]}""");
        using var restored = await SendAsync(HttpMethod.Get, "v1/secret/data/app/db");
        using var destroy = await SendAsync(HttpMethod.Post, "v1/secret/destroy/app/db", body: """{"versions":[2]}""");
        using var destroyed = await SendAsync(HttpMethod.Get, "v1/secret/data/app/db");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        var deletedData = (await JsonAsync(deleted)).GetProperty("data");
        Assert.Equal(JsonValueKind.Null, deletedData.GetProperty("data").ValueKind);
        Assert.NotEqual(string.Empty, deletedData.GetProperty("metadata").GetProperty("deletion_time").GetString());
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, destroyed.StatusCode);
        Assert.True((await JsonAsync(destroyed)).GetProperty("data").GetProperty("metadata").GetProperty("destroyed").GetBoolean());
    }

    [Fact]
    public async Task Metadata_and_list_with_the_LIST_verb_or_list_true()
    {
        _vault.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["p"] = "1" });
        _vault.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["p"] = "2" });
        _vault.WriteSecret("secret", "app/nested/x", new Dictionary<string, string> { ["p"] = "1" });
        using var metadata = await SendAsync(HttpMethod.Get, "v1/secret/metadata/app/db");
        using var listVerb = await SendAsync(new HttpMethod("LIST"), "v1/secret/metadata/app/");
        using var listQuery = await SendAsync(HttpMethod.Get, "v1/secret/metadata/app?list=true");
        using var empty = await SendAsync(HttpMethod.Get, "v1/secret/metadata/none/?list=true");

        var data = (await JsonAsync(metadata)).GetProperty("data");
        Assert.Equal(2, data.GetProperty("current_version").GetInt32());
        Assert.Equal(["1", "2"], data.GetProperty("versions").EnumerateObject().Select(p => p.Name));
        var keys = (await JsonAsync(listVerb)).GetProperty("data").GetProperty("keys").EnumerateArray().Select(k => k.GetString()).ToList();
        Assert.Equal(["db", "nested/"], keys);
        Assert.Equal(keys, (await JsonAsync(listQuery)).GetProperty("data").GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, empty.StatusCode);
    }

    [Fact]
    public async Task Login_tokens_expire_after_their_ttl_and_renew_self_extends_them_up_to_the_max_ttl()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var vault = await HashiCorpVaultEmulator.StartAsync(new HashiCorpVaultEmulatorOptions { TimeProvider = clock, TokenTtl = TimeSpan.FromMinutes(10), TokenMaxTtl = TimeSpan.FromMinutes(15) });
        using var http = new HttpClient { BaseAddress = vault.Address };
        using var login = await http.PostAsJsonAsync(new Uri("v1/auth/approle/login", UriKind.Relative), new { role_id = vault.AppRoleRoleId, secret_id = vault.AppRoleSecretId });
        var auth = (await JsonAsync(login)).GetProperty("auth");
        var token = auth.GetProperty("client_token").GetString()!;

        clock.Advance(TimeSpan.FromMinutes(8));
        using var renew = await Send(http, HttpMethod.Post, "v1/auth/token/renew-self", token, "{}");
        var renewedLease = (await JsonAsync(renew)).GetProperty("auth").GetProperty("lease_duration").GetInt64();
        clock.Advance(TimeSpan.FromMinutes(6));
        using var stillValid = await Send(http, HttpMethod.Get, "v1/auth/token/lookup-self", token, null);
        clock.Advance(TimeSpan.FromMinutes(1));
        using var expired = await Send(http, HttpMethod.Get, "v1/auth/token/lookup-self", token, null);

        Assert.Equal(600, auth.GetProperty("lease_duration").GetInt64());
        Assert.True(auth.GetProperty("renewable").GetBoolean());
        Assert.Equal(420, renewedLease);
        Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
    }

    [Fact]
    public async Task Bad_logins_answer_as_vault_does()
    {
        using var wrongSecretId = await _http.PostAsJsonAsync(new Uri("v1/auth/approle/login", UriKind.Relative), new { role_id = _vault.AppRoleRoleId, secret_id = "nope" });
        using var wrongJwt = await _http.PostAsJsonAsync(new Uri("v1/auth/kubernetes/login", UriKind.Relative), new { role = _vault.KubernetesRole, jwt = "nope" });
        using var wrongRole = await _http.PostAsJsonAsync(new Uri("v1/auth/kubernetes/login", UriKind.Relative), new { role = "nobody", jwt = _vault.KubernetesJwt });

        Assert.Equal(HttpStatusCode.BadRequest, wrongSecretId.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongJwt.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongRole.StatusCode);
        Assert.Contains("invalid role name", await wrongRole.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, _vault.Counters.Logins);
    }

    [Fact]
    public async Task Sealed_answers_503_except_health_and_namespace_is_recorded()
    {
        _vault.Sealed = true;
        using var read = await SendAsync(HttpMethod.Get, "v1/secret/data/x");
        using var health = await _http.GetAsync(new Uri("v1/sys/health", UriKind.Relative));
        _vault.Sealed = false;
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/secret/data/x");
        request.Headers.Add("X-Vault-Token", _vault.RootToken);
        request.Headers.Add("X-Vault-Namespace", "team-a/");
        using var withNamespace = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        Assert.Equal("""{"errors":["Vault is sealed"]}""", await read.Content.ReadAsStringAsync());
        Assert.True((await JsonAsync(health)).GetProperty("sealed").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, withNamespace.StatusCode);
        Assert.Equal("team-a/", _vault.Counters.LastNamespace);
    }

    [Fact]
    public void Seeding_helpers_refuse_unknown_mounts_and_non_objects()
    {
        Assert.Throws<ArgumentException>(() => _vault.WriteSecretJson("kv", "a", "{}"));
        Assert.Throws<ArgumentException>(() => _vault.WriteSecretJson("secret", "a", "[1]"));
        Assert.Throws<KeyNotFoundException>(() => _vault.DeleteVersions("secret", "missing"));
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, string? token = null) =>
        Send(_http, method, path, token ?? _vault.RootToken, body);

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, string token, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Vault-Token", token);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}

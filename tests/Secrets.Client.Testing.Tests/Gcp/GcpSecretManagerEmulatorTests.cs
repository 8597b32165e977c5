using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Secrets.Client.Testing;

namespace Secrets.Client.Testing.Tests.Gcp;

/// <summary>The emulator's wire behaviour, over raw HTTP, where the provider would hide it.</summary>
public sealed class GcpSecretManagerEmulatorTests : IAsyncLifetime, IDisposable
{
    private GcpSecretManagerEmulator _sm = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _sm = await GcpSecretManagerEmulator.StartAsync(new GcpSecretManagerEmulatorOptions { MaxPageSize = 2 });
        _http = new HttpClient(_sm.CreateHandler()) { BaseAddress = _sm.Endpoint };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _sm.TestToken);
    }

    public async Task DisposeAsync() => await _sm.DisposeAsync();

    public void Dispose() => _http?.Dispose();

    [Fact]
    public async Task Missing_or_wrong_bearer_token_gets_401_UNAUTHENTICATED()
    {
        using var anonymous = new HttpClient(_sm.CreateHandler()) { BaseAddress = _sm.Endpoint };
        using var none = await anonymous.GetAsync($"v1/projects/{_sm.ProjectId}/secrets");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/projects/{_sm.ProjectId}/secrets");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "ya29.other");
        using var wrong = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("UNAUTHENTICATED", (await ErrorOf(none)).GetProperty("status").GetString());
        Assert.Equal(2, _sm.Counters.Unauthenticated);
        Assert.Equal(0, _sm.Counters.Requests);
    }

    [Fact]
    public async Task AddVersion_checks_dataCrc32c_sent_as_string_or_number()
    {
        _sm.SetLabels("s", new Dictionary<string, string>());
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes("hello"));
        // CRC-32C("hello") = 0x9a71bb4c = 2591144780
        using var asString = await PostAsync("s:addVersion", $$$"""{"payload":{"data":"{{{data}}}","dataCrc32c":"2591144780"}}""");
        using var asNumber = await PostAsync("s:addVersion", $$$"""{"payload":{"data":"{{{data}}}","dataCrc32c":2591144780}}""");
        using var wrong = await PostAsync("s:addVersion", $$$"""{"payload":{"data":"{{{data}}}","dataCrc32c":"1"}}""");

        Assert.Equal(HttpStatusCode.OK, asString.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asNumber.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("INVALID_ARGUMENT", (await ErrorOf(wrong)).GetProperty("status").GetString());
        using var access = await _http.GetAsync($"v1/projects/{_sm.ProjectId}/secrets/s/versions/latest:access");
        using var body = JsonDocument.Parse(await access.Content.ReadAsStringAsync());
        Assert.Equal("2591144780", body.RootElement.GetProperty("payload").GetProperty("dataCrc32c").GetString());
        Assert.EndsWith("/versions/2", body.RootElement.GetProperty("name").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latest_is_the_newest_version_even_when_disabled_as_the_service_documents()
    {
        _sm.AddVersion("s", "one");
        _sm.AddVersion("s", "two");
        _sm.DisableVersion("s", 2);

        using var latest = await _http.GetAsync($"v1/projects/{_sm.ProjectId}/secrets/s/versions/latest:access");
        using var one = await _http.GetAsync($"v1/projects/{_sm.ProjectId}/secrets/s/versions/1:access");

        Assert.Equal(HttpStatusCode.BadRequest, latest.StatusCode);
        Assert.Equal("FAILED_PRECONDITION", (await ErrorOf(latest)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
    }

    [Fact]
    public async Task Versions_list_newest_first_in_pages()
    {
        for (var i = 0; i < 3; i++)
        {
            _sm.AddVersion("s", "v" + i);
        }

        using var first = JsonDocument.Parse(await _http.GetStringAsync($"v1/projects/{_sm.ProjectId}/secrets/s/versions"));
        var token = first.RootElement.GetProperty("nextPageToken").GetString();
        using var second = JsonDocument.Parse(await _http.GetStringAsync($"v1/projects/{_sm.ProjectId}/secrets/s/versions?pageToken={Uri.EscapeDataString(token!)}"));

        var names = first.RootElement.GetProperty("versions").EnumerateArray().Concat(second.RootElement.GetProperty("versions").EnumerateArray())
            .Select(v => v.GetProperty("name").GetString()![^1..]).ToList();
        Assert.Equal(["3", "2", "1"], names);
        Assert.False(second.RootElement.TryGetProperty("nextPageToken", out _));
    }

    [Fact]
    public async Task Creating_an_existing_secret_is_409_ALREADY_EXISTS()
    {
        using var created = await _http.PostAsync($"v1/projects/{_sm.ProjectId}/secrets?secretId=dup", Json("""{"replication":{"automatic":{}}}"""));
        using var again = await _http.PostAsync($"v1/projects/{_sm.ProjectId}/secrets?secretId=dup", Json("""{"replication":{"automatic":{}}}"""));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("ALREADY_EXISTS", (await ErrorOf(again)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Destroying_a_version_erases_its_payload_for_good()
    {
        _sm.AddVersion("s", "v");
        _sm.DestroyVersion("s", 1);

        using var metadata = JsonDocument.Parse(await _http.GetStringAsync($"v1/projects/{_sm.ProjectId}/secrets/s/versions/1"));

        Assert.Equal("DESTROYED", metadata.RootElement.GetProperty("state").GetString());
        Assert.True(metadata.RootElement.TryGetProperty("destroyTime", out _));
        Assert.Throws<InvalidOperationException>(() => _sm.EnableVersion("s", 1));
    }

    private Task<HttpResponseMessage> PostAsync(string secretAndVerb, string body) =>
        _http.PostAsync($"v1/projects/{_sm.ProjectId}/secrets/{secretAndVerb}", Json(body));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("error").Clone();
    }
}

using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Secrets.Client.Testing;

namespace Secrets.Client.Azure.Events.Tests;

/// <summary>The Event Grid webhook endpoint on a real Kestrel server, fed by hand and by the Key Vault emulator.</summary>
public sealed class EventGridWebhookTests : IAsyncLifetime, IDisposable
{
    private const string Key = "canary-webhook-key-7f3a";
    private const string Path = "main/db-password";
    private const string Reference = "azure-kv://main/db-password";
    private readonly List<KeyVaultEventSink> _sinks = [];
    private EventsHarness _harness = null!;
    private WebApplication _app = null!;
    private Uri _endpoint = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        // The app listens first so that the emulator can be told its URL; the store comes later through DI.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<ISecretStore>(_ => _harness.Store);
        _app = builder.Build();
        _app.MapKeyVaultEventGridWebhook("/events/keyvault", o => o.SharedSecretReference = "azure-kv://main/webhook-key");
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _endpoint = new Uri(address.TrimEnd('/') + "/events/keyvault");
        _sinks.Add(new KeyVaultEventSink(new Uri(_endpoint + "?code=" + Key), KeyVaultEventSinkKind.Webhook));
        _sinks.Add(new KeyVaultEventSink(new Uri(_endpoint + "?code=" + Key), KeyVaultEventSinkKind.Webhook, CloudEvents: true));
        _harness = await EventsHarness.StartAsync(_sinks);
        _harness.Emulator.SetSecret("webhook-key", Key);
        _http = new HttpClient();
    }

    public void Dispose() => _http?.Dispose();

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task Subscription_validation_echoes_the_validation_code()
    {
        using var request = Post("?code=" + Key, """
            [{"id":"2d1781af","topic":"/subscriptions/s","subject":"","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6","validationUrl":"https://rp-eastus2.eventgrid.azure.net/x"},
              "eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2026-12-02T10:00:00Z","metadataVersion":"1","dataVersion":"2"}]
            """);
        request.Headers.Add("aeg-event-type", "SubscriptionValidation");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", body.RootElement.GetProperty("validationResponse").GetString());
    }

    [Theory]
    [InlineData("eventgrid.azure.net", HttpStatusCode.OK)]
    [InlineData("attacker.example", HttpStatusCode.Forbidden)]
    public async Task CloudEvents_abuse_protection_handshake_allows_only_Event_Grid(string origin, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, _endpoint + "?code=" + Key);
        request.Headers.Add("WebHook-Request-Origin", origin);

        using var response = await _http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK ? origin : null, response.Headers.TryGetValues("WebHook-Allowed-Origin", out var values) ? values.Single() : null);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?code=wrong")]
    [InlineData("?code=canary-webhook-key-7f3")]
    public async Task Requests_without_the_shared_secret_are_refused_before_anything_is_read(string query)
    {
        _harness.Emulator.SetSecret("db-password", "canary-az-r-1");
        await _harness.Store.GetSecretAsync(Reference);
        var forged = AzureStorageQueueSecretChangeListenerTests.Event("db-password", "0123456789abcdef0123456789abcdef");
        using var warm = await _http.SendAsync(Post(query, forged));
        var before = _harness.Emulator.Counters.Requests;

        using var response = await _http.SendAsync(Post(query, forged));

        Assert.Equal(HttpStatusCode.Unauthorized, warm.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // Refused before the event was read: no version check ran (the shared secret itself is cached by the store).
        Assert.Equal(before, _harness.Emulator.Counters.Requests);
        Assert.DoesNotContain(_harness.LogTexts(), text => text.Contains(Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_shared_secret_may_come_in_a_header()
    {
        using var request = Post(string.Empty, "[]");
        request.Headers.Add("X-Secrets-Webhook-Key", Key);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_malformed_delivery_is_a_400_that_names_no_payload()
    {
        using var response = await _http.SendAsync(Post("?code=" + Key, "{\"specversion\":\"1.0\"}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_version_written_at_the_vault_reaches_the_store_through_the_webhook_in_both_schemas()
    {
        _harness.Emulator.SetSecret("db-password", "canary-az-w-1");
        var first = await _harness.Store.GetSecretAsync(Reference);
        var changed = _harness.NextChangeAsync(Path, first.Properties.Version);

        var written = _harness.Emulator.SetSecret("db-password", "canary-az-w-2");
        var change = await changed.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(written, change.Properties.Version);
        Assert.Equal("canary-az-w-2", (await _harness.Store.GetSecretAsync(Reference)).Value.ExposeAsString());
        Assert.Equal(0, _harness.Emulator.EventsFailed);
        Assert.DoesNotContain(_harness.LogTexts(), text => text.Contains("canary-az-w", StringComparison.Ordinal));
    }

    [Fact]
    public void An_endpoint_without_a_shared_secret_must_opt_in_to_being_open()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = builder.Build();

        Assert.Throws<ValidationException>(() => app.MapKeyVaultEventGridWebhook("/e", _ => { }));
        app.MapKeyVaultEventGridWebhook("/open", o => o.AllowUnauthenticated = true);
    }

    private HttpRequestMessage Post(string query, string json) =>
        new(HttpMethod.Post, _endpoint + query) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}

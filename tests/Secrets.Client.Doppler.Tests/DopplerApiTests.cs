using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Doppler.Tests;

public sealed class DopplerApiTests
{
    private static async Task<(DopplerEmulator Doppler, string Token)> SeededAsync()
    {
        var doppler = await DopplerEmulator.StartAsync();
        doppler.SetSecret("shop", "dev", "STRIPE_KEY", "sk_test_123");
        doppler.SetSecret("shop", "dev", "DATABASE_URL", "postgres://app:pw@localhost/shop");
        doppler.SetSecret("shop", "dev", "MULTI", "line one\nline \"two\" ✓");
        doppler.SetSecret("shop", "prd", "STRIPE_KEY", "sk_live_999");
        doppler.AddConfig("shop", "stg");
        doppler.AddConfig("blog", "dev");
        doppler.AddConfig("crm", "dev");
        return (doppler, doppler.CreateServiceToken("shop", "dev"));
    }

    private static DopplerSecretProviderOptions Options(DopplerEmulator doppler, string token) => new()
    {
        Endpoint = doppler.Address,
        ServiceToken = token,
        Environment = "Production",
    };

    [Fact]
    public async Task API_downloads_go_through_the_shared_transport_metrics_with_status_outcomes()
    {
        var (doppler, token) = await SeededAsync();
        await using var _ = doppler;
        using var metrics = new ProviderMetricsRecorder("doppler-metrics");
        var good = Options(doppler, token);
        good.Name = "doppler-metrics";
        await using var provider = new DopplerSecretProvider(good);
        var bad = Options(doppler, "dp.st.dev.wrong");
        bad.Name = "doppler-metrics";
        await using var refused = new DopplerSecretProvider(bad);

        using (await provider.GetSecretAsync(SecretReference.Parse("doppler-metrics://STRIPE_KEY")))
        {
        }

        await Assert.ThrowsAsync<SecretAccessDeniedException>(() => refused.GetSecretAsync(SecretReference.Parse("doppler-metrics://STRIPE_KEY")).AsTask());

        Assert.All(metrics.Requests, r => Assert.Equal("doppler", r["secrets.provider.system"]));
        Assert.Contains(metrics.Requests, r => r["secrets.provider.operation"] == "DownloadSecrets" && r["secrets.provider.outcome"] == "ok");
        Assert.Contains(metrics.Requests, r => r["secrets.provider.outcome"] is "401" or "403");
    }

    [Fact]
    public async Task The_official_Doppler_SDK_lists_pages_reads_downloads_and_sees_not_found_and_bad_token()
    {
        var (doppler, token) = await SeededAsync();
        await using var _ = doppler;

        var output = await NodeJudgeProcess.RunAsync(Path.Combine("doppler", "api.mjs"), ["@dopplerhq/node-sdk"], [doppler.Address.ToString(), doppler.PersonalToken, token, "shop", "dev"]);
        using var judged = JsonDocument.Parse(output);
        var root = judged.RootElement;
        string[] Strings(string name) => [.. root.GetProperty(name).GetProperty("ok").EnumerateArray().Select(e => e.GetString()!)];

        Assert.Equal(["blog", "crm"], Strings("projectsPage1"));
        Assert.Equal(["shop"], Strings("projectsPage2"));
        Assert.Equal(["dev", "prd"], Strings("configsPage1"));
        Assert.Equal(["stg"], Strings("configsPage2"));
        Assert.Equal("dev", root.GetProperty("config").GetProperty("ok").GetString());
        Assert.Equal("sk_test_123", root.GetProperty("list").GetProperty("ok").GetProperty("STRIPE_KEY").GetString());
        Assert.Equal("sk_test_123", root.GetProperty("get").GetProperty("ok").GetString());
        Assert.Equal("line one\nline \"two\" ✓", root.GetProperty("download").GetProperty("ok").GetProperty("MULTI").GetString());
        Assert.Equal("dev", root.GetProperty("download").GetProperty("ok").GetProperty("DOPPLER_CONFIG").GetString());
        Assert.Equal(404, root.GetProperty("missingSecret").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal(404, root.GetProperty("missingConfig").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal(403, root.GetProperty("otherConfig").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal(401, root.GetProperty("badToken").GetProperty("error").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Downloads_the_config_once_and_serves_every_read_from_it()
    {
        var (doppler, token) = await SeededAsync();
        await using var _ = doppler;
        await using var provider = new DopplerSecretProvider(Options(doppler, token));

        var results = await provider.GetSecretsAsync([.. new[] { "doppler://STRIPE_KEY", "doppler://DATABASE_URL", "doppler://MULTI", "doppler://NOPE" }.Select(SecretReference.Parse)]);
        using var single = await provider.GetSecretAsync(SecretReference.Parse("doppler://STRIPE_KEY"));

        Assert.Equal(1, doppler.DownloadCount);
        Assert.Equal("sk_test_123", results[0].Secret!.Value.ExposeAsString());
        Assert.Equal("line one\nline \"two\" ✓", results[2].Secret!.Value.ExposeAsString());
        Assert.IsType<SecretNotFoundException>(results[3].Error);
        Assert.Equal("sk_test_123", single.Value.ExposeAsString());
        foreach (var result in results)
        {
            result.Secret?.Dispose();
        }
    }

    [Fact]
    public async Task Change_checks_are_conditional_and_only_changed_secrets_get_new_versions()
    {
        var (doppler, token) = await SeededAsync();
        await using var _ = doppler;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Options(doppler, token);
        options.ChangeCheckInterval = TimeSpan.FromSeconds(30);
        options.TimeProvider = time;
        await using var provider = new DopplerSecretProvider(options);
        var stripe = SecretReference.Parse("doppler://STRIPE_KEY");
        var database = SecretReference.Parse("doppler://DATABASE_URL");
        var stripeBefore = await provider.GetPropertiesAsync(stripe);
        var databaseBefore = await provider.GetPropertiesAsync(database);

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(stripeBefore.Version, (await provider.GetPropertiesAsync(stripe)).Version);
        Assert.Equal(1, doppler.DownloadCount);

        doppler.SetSecret("shop", "dev", "STRIPE_KEY", "sk_test_rotated");
        Assert.Equal(stripeBefore.Version, (await provider.GetPropertiesAsync(stripe)).Version);
        time.Advance(TimeSpan.FromSeconds(31));

        Assert.NotEqual(stripeBefore.Version, (await provider.GetPropertiesAsync(stripe)).Version);
        Assert.Equal(databaseBefore.Version, (await provider.GetPropertiesAsync(database)).Version);
        using var secret = await provider.GetSecretAsync(stripe);
        Assert.Equal("sk_test_rotated", secret.Value.ExposeAsString());
        Assert.Equal(2, doppler.DownloadCount);
    }

    [Fact]
    public async Task A_bad_token_is_access_denied_and_a_token_for_another_config_is_refused()
    {
        var (doppler, token) = await SeededAsync();
        await using var _ = doppler;
        await using var bad = new DopplerSecretProvider(Options(doppler, "dp.st.dev.wrong"));
        var otherOptions = Options(doppler, token);
        otherOptions.Project = "shop";
        otherOptions.Config = "prd";
        await using var other = new DopplerSecretProvider(otherOptions);

        var denied = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => bad.GetSecretAsync(SecretReference.Parse("doppler://STRIPE_KEY")).AsTask());
        await Assert.ThrowsAsync<SecretAccessDeniedException>(() => other.GetSecretAsync(SecretReference.Parse("doppler://STRIPE_KEY")).AsTask());

        Assert.Contains("Invalid Auth token", denied.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", denied.Message, StringComparison.Ordinal);
    }
}

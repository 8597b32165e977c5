using System.Text;
using System.Text.Json;
using Secrets.Client.Testing;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.OnePassword.Tests;

public sealed class OnePasswordConnectTests
{
    private static OnePasswordSecretProviderOptions Options(OnePasswordConnectEmulator connect, string? token = null) => new()
    {
        Transport = OnePasswordTransport.Connect,
        Endpoint = connect.Address,
        ConnectToken = token ?? connect.Token,
        Environment = "Production",
    };

    private static async Task<OnePasswordConnectEmulator> SeededAsync()
    {
        var connect = await OnePasswordConnectEmulator.StartAsync();
        connect.SetItem(
            "dev",
            "Stripe",
            [
                new("publishable-key", "pk_test_123") { Type = "STRING" },
                new("secret-key", "sk_test_456"),
                new("email", "ops@example.com") { Section = "Admin", Type = "EMAIL" },
                new("one-time password", "otpauth://totp/x?secret=ABC") { Type = "OTP", Totp = "492039" },
            ],
            [new("key.pem", Encoding.UTF8.GetBytes("-----BEGIN KEY-----\nabc\n"))]);
        connect.SetItem("dev", "Database", [new("password", "db-pass")]);
        connect.AddVault("prod");
        return connect;
    }

    [Fact]
    public async Task Connect_requests_go_through_the_shared_transport_metrics_with_status_outcomes()
    {
        await using var connect = await SeededAsync();
        using var metrics = new ProviderMetricsRecorder("op-metrics");
        var options = Options(connect);
        options.Name = "op-metrics";
        await using var provider = new OnePasswordSecretProvider(options);

        using (await provider.GetSecretAsync(SecretReference.Parse("op-metrics://dev/Database/password")))
        {
        }

        var wrong = Options(connect, token: "wrong");
        wrong.Name = "op-metrics";
        await using (var refused = new OnePasswordSecretProvider(wrong))
        {
            await Assert.ThrowsAsync<SecretAccessDeniedException>(() => refused.GetSecretAsync(SecretReference.Parse("op-metrics://dev/Database/password")).AsTask());
        }

        Assert.All(metrics.Requests, r => Assert.Equal("1password-connect", r["secrets.provider.system"]));
        Assert.Contains(metrics.Requests, r => r["secrets.provider.operation"] == "GetItem" && r["secrets.provider.outcome"] == "ok");
        Assert.Contains(metrics.Requests, r => r["secrets.provider.outcome"] == "401");
    }

    [Fact]
    public async Task The_official_Connect_SDK_reads_vaults_items_fields_files_and_sees_not_found_and_bad_token()
    {
        await using var connect = await SeededAsync();

        var output = await NodeJudgeProcess.RunAsync(Path.Combine("onepassword", "connect.mjs"), ["@1password/connect"], [connect.Address.ToString(), connect.Token, "dev", "Stripe", "key.pem"]);
        using var judged = JsonDocument.Parse(output);
        var root = judged.RootElement;

        Assert.Equal(["dev", "prod"], root.GetProperty("vaults").GetProperty("ok").EnumerateArray().Select(e => e.GetString()));
        Assert.True(root.GetProperty("vaultByTitle").GetProperty("idLooksRight").GetBoolean());
        Assert.Equal("dev", root.GetProperty("vaultById").GetProperty("ok").GetString());
        Assert.Equal(["Database", "Stripe"], root.GetProperty("items").GetProperty("ok").EnumerateArray().Select(e => e.GetString()));
        var fields = root.GetProperty("itemByTitle").GetProperty("fields");
        Assert.Equal("pk_test_123", fields.GetProperty("publishable-key").GetString());
        Assert.Equal("ops@example.com", fields.GetProperty("Admin.email").GetString());
        Assert.Equal(1, root.GetProperty("itemByTitle").GetProperty("version").GetInt32());
        Assert.Equal("Stripe", root.GetProperty("itemById").GetProperty("ok").GetString());
        Assert.Equal(["Stripe"], root.GetProperty("itemsByTitleContains").GetProperty("ok").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("492039", root.GetProperty("otp").GetProperty("ok").GetString());
        Assert.Equal("key.pem", root.GetProperty("files").GetProperty("ok")[0].GetProperty("name").GetString());
        Assert.Equal(24, root.GetProperty("files").GetProperty("ok")[0].GetProperty("size").GetInt32());
        Assert.Equal("key.pem", root.GetProperty("fileById").GetProperty("ok").GetString());
        Assert.Equal("-----BEGIN KEY-----\nabc\n", root.GetProperty("fileContent").GetProperty("ok").GetString());
        Assert.Equal(404, root.GetProperty("missingItem").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal(404, root.GetProperty("missingItemId").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal(404, root.GetProperty("missingVault").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal(401, root.GetProperty("badToken").GetProperty("error").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task The_provider_reads_by_name_and_id_sections_files_and_the_otp_attribute()
    {
        await using var connect = await SeededAsync();
        var vaultId = connect.AddVault("dev");
        var itemId = connect.SetItem("dev", "Database", [new("password", "db-pass")]);
        await using var provider = new OnePasswordSecretProvider(Options(connect));

        async Task<string> Read(string reference)
        {
            using var secret = await provider.GetSecretAsync(SecretReference.Parse(reference));
            return secret.Value.ExposeAsString();
        }

        Assert.Equal("pk_test_123", await Read("op://dev/Stripe/publishable-key"));
        Assert.Equal("ops@example.com", await Read("op://dev/Stripe/Admin/email"));
        Assert.Equal("db-pass", await Read($"op://{vaultId}/{itemId}/password"));
        Assert.Equal("-----BEGIN KEY-----\nabc\n", await Read("op://dev/Stripe/key.pem"));
        Assert.Equal("492039", await Read("op://dev/Stripe/one-time password?attribute=otp"));
        Assert.Equal("EMAIL", await Read("op://dev/Stripe/Admin/email?attribute=type"));
    }

    [Fact]
    public async Task An_edited_item_gets_a_new_version_that_the_change_check_sees()
    {
        await using var connect = await SeededAsync();
        await using var provider = new OnePasswordSecretProvider(Options(connect));
        var reference = SecretReference.Parse("op://dev/Database/password");
        var before = await provider.GetPropertiesAsync(reference);

        connect.SetItem("dev", "Database", [new("password", "rotated")]);
        var after = await provider.GetPropertiesAsync(reference);

        Assert.NotEqual(before.ChangeToken, after.ChangeToken);
        using var secret = await provider.GetSecretAsync(reference);
        Assert.Equal("rotated", secret.Value.ExposeAsString());
    }

    [Fact]
    public async Task A_bad_token_is_access_denied_and_a_missing_item_not_found()
    {
        await using var connect = await SeededAsync();
        await using var wrong = new OnePasswordSecretProvider(Options(connect, token: "wrong"));
        await using var provider = new OnePasswordSecretProvider(Options(connect));

        var denied = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => wrong.GetSecretAsync(SecretReference.Parse("op://dev/Database/password")).AsTask());
        await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("op://dev/Nope/password")).AsTask());
        await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("op://nope/Database/password")).AsTask());

        Assert.DoesNotContain("wrong", denied.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_reads_each_item_once()
    {
        await using var connect = await SeededAsync();
        await using var provider = new OnePasswordSecretProvider(Options(connect));
        var references = new[] { "op://dev/Stripe/publishable-key", "op://dev/Stripe/secret-key", "op://dev/Stripe/Admin/email", "op://dev/Database/password" }.Select(SecretReference.Parse).ToList();
        var before = connect.RequestCount;

        var results = await provider.GetSecretsAsync(references);

        Assert.All(results, r => Assert.True(r.IsSuccess));
        // Per item: the vault lookup by name, the item lookup by title, and the item itself.
        Assert.Equal(6, connect.RequestCount - before);
        foreach (var result in results)
        {
            result.Secret!.Dispose();
        }
    }
}

using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Vault.Tests;

/// <summary>The provider over real HTTP against the emulator: reads, versions, metadata, listing, writes, errors.</summary>
public sealed class HashiCorpVaultSecretProviderTests : IAsyncLifetime
{
    private VaultHarness _vault = null!;

    public async Task InitializeAsync() => _vault = await VaultHarness.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task Reads_the_current_version_as_the_data_object_and_a_key_through_the_json_field()
    {
        _vault.Emulator.WriteSecretJson("secret", "myapp/db", """{"username":"app","password":"p\"@ss","port":5432}""");
        await using var provider = _vault.CreateProvider();

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/myapp/db#password"));
        using var password = secret.Value.GetJsonField("password");

        Assert.Equal("""{"username":"app","password":"p\"@ss","port":5432}""", secret.Value.ExposeAsString());
        Assert.Equal("p\"@ss", password.ExposeAsString());
        Assert.Equal("1", secret.Properties.Version);
        Assert.Equal("secret/myapp/db", secret.Name);
        Assert.Equal("vault", secret.Properties.Provider);
        Assert.NotNull(secret.Properties.CreatedOn);
    }

    [Fact]
    public async Task Reads_a_pinned_version()
    {
        _vault.Emulator.WriteSecret("secret", "app/key", new Dictionary<string, string> { ["v"] = "one" });
        _vault.Emulator.WriteSecret("secret", "app/key", new Dictionary<string, string> { ["v"] = "two" });
        await using var provider = _vault.CreateProvider();

        using var pinned = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/key?version=1"));
        using var latest = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/key"));

        Assert.Equal("""{"v":"one"}""", pinned.Value.ExposeAsString());
        Assert.Equal("1", pinned.Properties.Version);
        Assert.Equal("""{"v":"two"}""", latest.Value.ExposeAsString());
        Assert.Equal("2", latest.Properties.Version);
    }

    [Fact]
    public async Task Missing_secret_and_missing_version_are_not_found()
    {
        _vault.Emulator.WriteSecret("secret", "app/one", new Dictionary<string, string> { ["v"] = "1" });
        await using var provider = _vault.CreateProvider();

        var missing = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/missing")).AsTask());
        var noVersion = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/one?version=9")).AsTask());
        var noMetadata = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetPropertiesAsync(SecretReference.Parse("vault://secret/app/missing")).AsTask());

        Assert.Equal("NotFound", missing.ErrorCode);
        Assert.Equal("secret/app/missing", missing.SecretName);
        Assert.Equal("vault", missing.Provider);
        Assert.Equal("NotFound", noVersion.ErrorCode);
        Assert.Equal("NotFound", noMetadata.ErrorCode);
    }

    [Fact]
    public async Task Deleted_and_destroyed_versions_are_not_found_with_a_code_saying_which()
    {
        _vault.Emulator.WriteSecret("secret", "app/rot", new Dictionary<string, string> { ["v"] = "1" });
        _vault.Emulator.WriteSecret("secret", "app/rot", new Dictionary<string, string> { ["v"] = "2" });
        _vault.Emulator.WriteSecret("secret", "app/rot", new Dictionary<string, string> { ["v"] = "3" });
        _vault.Emulator.DestroyVersions("secret", "app/rot", 1);
        _vault.Emulator.DeleteVersions("secret", "app/rot", 3);
        await using var provider = _vault.CreateProvider();

        var latest = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/rot")).AsTask());
        var destroyed = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/rot?version=1")).AsTask());
        var latestProperties = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetPropertiesAsync(SecretReference.Parse("vault://secret/app/rot")).AsTask());
        var destroyedProperties = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetPropertiesAsync(SecretReference.Parse("vault://secret/app/rot?version=1")).AsTask());
        using var alive = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/rot?version=2"));

        Assert.Equal("SecretDeleted", latest.ErrorCode);
        Assert.Contains("Version 3", latest.Message, StringComparison.Ordinal);
        Assert.Equal("SecretDestroyed", destroyed.ErrorCode);
        Assert.Equal("SecretDeleted", latestProperties.ErrorCode);
        Assert.Equal("SecretDestroyed", destroyedProperties.ErrorCode);
        Assert.Equal("""{"v":"2"}""", alive.Value.ExposeAsString());
    }

    [Fact]
    public async Task Properties_come_from_metadata_without_reading_the_value_and_the_version_is_the_change_token()
    {
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["p"] = "1" });
        _vault.Emulator.SetCustomMetadata("secret", "app/db", new Dictionary<string, string> { ["owner"] = "team-a" });
        await using var provider = _vault.CreateProvider();
        var reference = SecretReference.Parse("vault://secret/app/db");

        var before = await provider.GetPropertiesAsync(reference);
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["p"] = "2" });
        var after = await provider.GetPropertiesAsync(reference);
        var pinned = await provider.GetPropertiesAsync(SecretReference.Parse("vault://secret/app/db?version=1"));

        Assert.Equal("1", before.ChangeToken);
        Assert.Equal("2", after.ChangeToken);
        Assert.Equal("1", pinned.Version);
        Assert.Equal("team-a", after.Tags["owner"]);
        Assert.Equal(0, _vault.Emulator.Counters.ValueReads);
        Assert.Equal(3, _vault.Emulator.Counters.MetadataReads);
    }

    [Fact]
    public async Task Properties_fall_back_to_a_data_read_without_a_relogin_when_the_policy_denies_metadata()
    {
        await using var vault = await VaultHarness.StartAsync(new HashiCorpVaultEmulatorOptions { DeniedPaths = { "secret/metadata/" } });
        vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["p"] = "1" });
        vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["p"] = "2" });
        await using var provider = vault.CreateProvider();

        var latest = await provider.GetPropertiesAsync(SecretReference.Parse("vault://secret/app/db"));
        var pinned = await provider.GetPropertiesAsync(SecretReference.Parse("vault://secret/app/db?version=1"));

        Assert.Equal("2", latest.Version);
        Assert.Equal("1", pinned.Version);
        Assert.Equal(1, vault.Emulator.Counters.Logins);
        Assert.Equal(2, vault.Emulator.Counters.ValueReads);
        Assert.Equal(2, vault.Emulator.Counters.PermissionDenied);
    }

    [Fact]
    public async Task Token_auth_rereads_the_variable_so_a_rolled_token_takes_effect_without_a_new_provider()
    {
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });
        Environment.SetEnvironmentVariable("VAULT_TEST_ROLLING", "hvs.old-and-revoked");
        await using var provider = _vault.CreateProvider(o =>
        {
            o.AuthMethod = VaultAuthMethod.Token;
            o.TokenEnvironmentVariable = "VAULT_TEST_ROLLING";
        });

        await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")).AsTask());
        Environment.SetEnvironmentVariable("VAULT_TEST_ROLLING", _vault.Emulator.RootToken + "\n");
        using var secret = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db"));

        Assert.Equal("""{"v":"1"}""", secret.Value.ExposeAsString());
    }

    [Fact]
    public async Task Lists_recursively_under_a_folder_or_a_name_prefix()
    {
        foreach (var path in new[] { "app/db", "app/api/key", "app/api/deep/cert", "apple", "other/x" })
        {
            _vault.Emulator.WriteSecret("secret", path, new Dictionary<string, string> { ["v"] = "1" });
        }

        await using var provider = _vault.CreateProvider();

        var folder = await ListAsync(provider, "secret/app/");
        var named = await ListAsync(provider, "secret/app");
        var mount = await ListAsync(provider, "secret/");
        var empty = await ListAsync(provider, "secret/nothing/");

        // Depth-first in Vault's sorted order: a folder's own secrets, then its subfolders.
        Assert.Equal(["secret/app/db", "secret/app/api/key", "secret/app/api/deep/cert"], folder);
        Assert.Equal(["secret/app/api/deep/cert", "secret/app/api/key", "secret/app/db", "secret/apple"], named.Order(StringComparer.Ordinal));
        Assert.Equal(5, mount.Count);
        Assert.Empty(empty);
        await Assert.ThrowsAsync<ArgumentException>(async () => await ListAsync(provider, null));
    }

    [Fact]
    public async Task Writes_a_json_object_as_the_data_and_wraps_any_other_value_as_value()
    {
        await using var provider = _vault.CreateProvider();

        using (var json = SecretValue.FromText("""{"user":"u","password":"p"}"""))
        {
            var written = await provider.SetSecretAsync("secret/app/written", json);
            Assert.Equal("1", written.Version);
            Assert.Equal("secret/app/written", written.Name);
        }

        using (var text = SecretValue.FromText("plain \"text\" {"))
        {
            var written = await provider.SetSecretAsync("secret/app/written", text);
            Assert.Equal("2", written.Version);
        }

        using var first = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/written?version=1"));
        using var second = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/written"));
        using var wrapped = second.Value.GetJsonField("value");
        Assert.Equal("""{"user":"u","password":"p"}""", first.Value.ExposeAsString());
        Assert.Equal("plain \"text\" {", wrapped.ExposeAsString());
        Assert.Equal(2, _vault.Emulator.Counters.Writes);
    }

    [Fact]
    public async Task Rotation_needs_a_generator_and_then_writes_a_new_version()
    {
        _vault.Emulator.WriteSecret("secret", "app/rotate", new Dictionary<string, string> { ["k"] = "old" });
        await using var plain = _vault.CreateProvider();
        await using var rotating = _vault.CreateProvider(o => o.RotationValueGenerator = (_, _) => ValueTask.FromResult(SecretValue.FromText("""{"k":"new"}""")));

        await Assert.ThrowsAsync<NotSupportedException>(() => plain.RotateSecretAsync(SecretReference.Parse("vault://secret/app/rotate")).AsTask());
        var rotated = await rotating.RotateSecretAsync(SecretReference.Parse("vault://secret/app/rotate"));
        using var secret = await rotating.GetSecretAsync(SecretReference.Parse("vault://secret/app/rotate"));

        Assert.Equal("2", rotated.Version);
        Assert.Equal("""{"k":"new"}""", secret.Value.ExposeAsString());
    }

    [Theory]
    [InlineData("vault://secret")]
    [InlineData("vault://secret/")]
    [InlineData("vault://secret/a//b")]
    [InlineData("vault://secret/../b")]
    [InlineData("vault://secret/a?version=abc")]
    [InlineData("vault://secret/a?version=0")]
    [InlineData("vault://secret/a?stage=AWSCURRENT")]
    public async Task Malformed_references_are_refused_before_any_request(string text)
    {
        await using var provider = _vault.CreateProvider();

        var error = await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => provider.GetSecretAsync(SecretReference.Parse(text)).AsTask());

        Assert.Equal("vault", error.Provider ?? "vault");
        Assert.Equal(0, _vault.Emulator.Counters.Requests);
    }

    [Fact]
    public async Task Sealed_vault_is_unavailable_and_says_so()
    {
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });
        Environment.SetEnvironmentVariable("VAULT_TOKEN_SEALED_TEST", _vault.Emulator.RootToken);
        await using var tokenProvider = _vault.CreateProvider(o =>
        {
            o.AuthMethod = VaultAuthMethod.Token;
            o.TokenEnvironmentVariable = "VAULT_TOKEN_SEALED_TEST";
        });
        _vault.Emulator.Sealed = true;

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => tokenProvider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")).AsTask());
        _vault.Emulator.Sealed = false;
        using var secret = await tokenProvider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db"));

        Assert.Equal("Sealed", error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.Contains("Vault is sealed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_and_server_errors_are_transient_with_retry_after()
    {
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });
        await using var provider = _vault.CreateProvider();
        using (await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")))
        {
        }

        _vault.Emulator.Faults.RetryAfter = TimeSpan.FromSeconds(3);
        _vault.Emulator.Faults.ThrottleNext(1);
        var throttled = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")).AsTask());
        _vault.Emulator.Faults.FailNext(1);
        var failed = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")).AsTask());
        _vault.Emulator.Faults.DropNext(1);
        var dropped = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")).AsTask());

        Assert.True(throttled.IsThrottled);
        Assert.Equal(TimeSpan.FromSeconds(3), throttled.RetryAfter);
        Assert.Equal("ServerError", failed.ErrorCode);
        Assert.Equal("ConnectionFailed", dropped.ErrorCode);
    }

    [Fact]
    public async Task Logs_in_once_with_kubernetes_and_sends_the_namespace()
    {
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });
        await using var provider = _vault.CreateProvider(o => o.Namespace = "team-a");

        for (var i = 0; i < 3; i++)
        {
            using var secret = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db"));
        }

        Assert.Equal(1, _vault.Emulator.Counters.Logins);
        Assert.Equal("team-a", _vault.Emulator.Counters.LastNamespace);
        Assert.Contains("kubernetes", provider.Identity, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_first_reads_share_one_login()
    {
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });
        _vault.Emulator.Faults.Latency = TimeSpan.FromMilliseconds(20);
        await using var provider = _vault.CreateProvider();

        var secrets = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")).AsTask()));

        Assert.All(secrets, s => Assert.Equal("1", s.Properties.Version));
        Assert.Equal(1, _vault.Emulator.Counters.Logins);
        foreach (var secret in secrets)
        {
            secret.Dispose();
        }
    }

    [Fact]
    public async Task A_given_handler_is_used_and_not_disposed()
    {
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });
        using var handler = new SocketsHttpHandler();
        await using (var provider = _vault.CreateProvider(o => o.HttpHandler = handler))
        {
            using var secret = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db"));
        }

        using var client = new HttpClient(handler, disposeHandler: false);
        using var health = await client.GetAsync(new Uri(_vault.Emulator.Address, "v1/sys/health"));

        Assert.True(health.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Logs_in_with_approle_reading_the_secret_id_from_a_file_or_an_environment_variable()
    {
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });
        Environment.SetEnvironmentVariable("VAULT_TEST_SECRET_ID", _vault.Emulator.AppRoleSecretId);
        await using var fromFile = _vault.CreateProvider(_vault.UseAppRole);
        await using var fromEnvironment = _vault.CreateProvider(o =>
        {
            _vault.UseAppRole(o);
            o.AppRoleSecretIdPath = null;
            o.AppRoleSecretIdEnvironmentVariable = "VAULT_TEST_SECRET_ID";
        });

        using var one = await fromFile.GetSecretAsync(SecretReference.Parse("vault://secret/app/db"));
        using var two = await fromEnvironment.GetSecretAsync(SecretReference.Parse("vault://secret/app/db"));

        Assert.Equal(2, _vault.Emulator.Counters.Logins);
        Assert.Contains(_vault.Emulator.AppRoleRoleId, fromFile.Identity, StringComparison.Ordinal);
        Assert.DoesNotContain(_vault.Emulator.AppRoleSecretId, fromFile.Identity + fromFile, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_logins_are_access_denied_naming_the_auth_mount()
    {
        await File.WriteAllTextAsync(_vault.JwtPath, "not-the-jwt");
        await using var badJwt = _vault.CreateProvider();
        await using var badRole = _vault.CreateProvider(o => o.Role = "nobody");
        await using var missingFile = _vault.CreateProvider(o => o.ServiceAccountTokenPath = "/nonexistent/token");

        var jwt = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => badJwt.GetSecretAsync(SecretReference.Parse("vault://secret/a/b")).AsTask());
        var role = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => badRole.GetSecretAsync(SecretReference.Parse("vault://secret/a/b")).AsTask());
        var file = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => missingFile.GetSecretAsync(SecretReference.Parse("vault://secret/a/b")).AsTask());

        Assert.Equal("LoginFailed", jwt.ErrorCode);
        Assert.Contains("auth/kubernetes", jwt.Message, StringComparison.Ordinal);
        Assert.Contains("permission denied", jwt.Message, StringComparison.Ordinal);
        Assert.Contains("invalid role name", role.Message, StringComparison.Ordinal);
        Assert.Equal("CredentialUnavailable", file.ErrorCode);
        Assert.Contains("/nonexistent/token", file.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_token_is_replaced_by_one_new_login_and_the_request_succeeds()
    {
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });
        await using var provider = _vault.CreateProvider();
        using (await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")))
        {
        }

        _vault.Emulator.RevokeLoginTokens();
        using var secret = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db"));

        Assert.Equal(2, _vault.Emulator.Counters.Logins);
        Assert.Equal(1, _vault.Emulator.Counters.PermissionDenied);
    }

    [Fact]
    public async Task A_policy_denial_is_access_denied_after_exactly_one_relogin()
    {
        // A static token the emulator does not know: every request is refused, as a policy denial would be.
        Environment.SetEnvironmentVariable("VAULT_TEST_BAD_TOKEN", "hvs.unknown");
        await using var provider = _vault.CreateProvider(o =>
        {
            o.AuthMethod = VaultAuthMethod.Token;
            o.TokenEnvironmentVariable = "VAULT_TEST_BAD_TOKEN";
        });
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });

        var denied = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")).AsTask());

        Assert.Equal("PermissionDenied", denied.ErrorCode);
        Assert.Contains("permission denied", denied.Message, StringComparison.Ordinal);
        Assert.Equal(1, _vault.Emulator.Counters.PermissionDenied);
    }

    [Fact]
    public async Task Token_is_renewed_after_two_thirds_of_its_lease_and_replaced_by_a_login_once_renewals_hit_the_max_ttl()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var vault = await VaultHarness.StartAsync(new HashiCorpVaultEmulatorOptions { TimeProvider = clock, TokenTtl = TimeSpan.FromMinutes(30), TokenMaxTtl = TimeSpan.FromMinutes(50) });
        vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });
        await using var provider = vault.CreateProvider(o => o.TimeProvider = clock);
        var reference = SecretReference.Parse("vault://secret/app/db");

        using (await provider.GetSecretAsync(reference))
        {
        }

        clock.Advance(TimeSpan.FromMinutes(19));
        await ReadAsync();
        var beforeTwoThirds = (vault.Emulator.Counters.Logins, vault.Emulator.Counters.Renewals);

        // t = 21 min: past two thirds of 30 min, so renew-self; the lease now ends at the 50 min max TTL (29 min left).
        clock.Advance(TimeSpan.FromMinutes(2));
        await ReadAsync();
        var afterRenewal = (vault.Emulator.Counters.Logins, vault.Emulator.Counters.Renewals);

        // t = 41 min: renewal can add only 9 min, too short to keep renewing: a fresh login instead.
        clock.Advance(TimeSpan.FromMinutes(20));
        await ReadAsync();

        Assert.Equal((1, 0), beforeTwoThirds);
        Assert.Equal((1, 1), afterRenewal);
        Assert.Equal((2, 2), (vault.Emulator.Counters.Logins, vault.Emulator.Counters.Renewals));
        Assert.Equal(0, vault.Emulator.Counters.PermissionDenied);

        async Task ReadAsync()
        {
            using var secret = await provider.GetSecretAsync(reference);
        }
    }

    [Fact]
    public async Task Token_auth_reads_VAULT_TOKEN_and_is_refused_in_production_unless_allowed()
    {
        Environment.SetEnvironmentVariable("VAULT_TEST_ROOT", _vault.Emulator.RootToken);
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["v"] = "1" });
        void UseToken(HashiCorpVaultSecretProviderOptions o)
        {
            o.AuthMethod = VaultAuthMethod.Token;
            o.TokenEnvironmentVariable = "VAULT_TEST_ROOT";
        }

        await using var development = _vault.CreateProvider(UseToken);
        using var secret = await development.GetSecretAsync(SecretReference.Parse("vault://secret/app/db"));
        var refused = Assert.Throws<ArgumentException>(() => _vault.CreateProvider(o =>
        {
            UseToken(o);
            o.Environment = "Production";
        }));
        await using var allowed = _vault.CreateProvider(o =>
        {
            UseToken(o);
            o.Environment = "Production";
            o.AllowTokenInProduction = true;
        });

        Assert.Equal(0, _vault.Emulator.Counters.Logins);
        Assert.Contains("Production", refused.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(HashiCorpVaultSecretProviderOptions.AllowTokenInProduction), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_to_a_remote_host_is_refused_unless_allowed()
    {
        var refused = Assert.Throws<ArgumentException>(() => _vault.CreateProvider(o => o.Endpoint = new Uri("http://vault.example.com:8200")));
        await using var allowed = _vault.CreateProvider(o =>
        {
            o.Endpoint = new Uri("http://vault.example.com:8200");
            o.AllowInsecureHttp = true;
        });
        await using var https = _vault.CreateProvider(o => o.Endpoint = new Uri("https://vault.example.com:8200"));

        Assert.Contains("AllowInsecureHttp", refused.Message, StringComparison.Ordinal);
        Assert.Equal(new Uri("https://vault.example.com:8200/"), https.Endpoint);
        Assert.Equal(new Uri("http://vault.example.com:8200/"), allowed.Endpoint);
    }

    [Fact]
    public void Incomplete_auth_settings_are_refused_naming_the_setting()
    {
        var noRole = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => _vault.CreateProvider(o => o.Role = null));
        var noSecretId = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => _vault.CreateProvider(o =>
        {
            _vault.UseAppRole(o);
            o.AppRoleSecretIdPath = null;
        }));
        var badFraction = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => _vault.CreateProvider(o => o.RenewAfterLeaseFraction = 1.5));

        Assert.Contains("Role", noRole.Message, StringComparison.Ordinal);
        Assert.Contains("AppRoleSecretIdPath", noSecretId.Message, StringComparison.Ordinal);
        Assert.Contains("RenewAfterLeaseFraction", badFraction.Message, StringComparison.Ordinal);
    }

    private static async Task<List<string>> ListAsync(HashiCorpVaultSecretProvider provider, string? prefix)
    {
        var names = new List<string>();
        await foreach (var item in provider.ListSecretsAsync(prefix))
        {
            names.Add(item.Name);
        }

        return names;
    }
}

using System.Net;
using System.Text;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Azure.Tests;

/// <summary>The provider against the emulator, through the unmodified Azure SDK.</summary>
public sealed class AzureKeyVaultSecretProviderTests : IAsyncLifetime
{
    private KeyVaultHarness _vault = null!;

    private AzureKeyVaultEmulator Emulator => _vault.Emulator;

    public async Task InitializeAsync() => _vault = await KeyVaultHarness.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task Gets_the_latest_version_with_its_properties()
    {
        Emulator.SetSecret("db-password", "old");
        var current = Emulator.SetSecret("db-password", "new", contentType: "text/plain", tags: new Dictionary<string, string> { ["team"] = "core" });
        await using var provider = _vault.CreateProvider();

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db-password"));

        Assert.Equal("new", secret.Value.ExposeAsString());
        Assert.Equal("main/db-password", secret.Name);
        Assert.Equal("azure-kv", secret.Properties.Provider);
        Assert.Equal(current, secret.Properties.Version);
        Assert.Equal("text/plain", secret.Properties.ContentType);
        Assert.Equal("core", secret.Properties.Tags["team"]);
        Assert.NotNull(secret.Properties.CreatedOn);
        Assert.NotNull(secret.Properties.UpdatedOn);
    }

    [Fact]
    public async Task Gets_a_pinned_version()
    {
        var first = Emulator.SetSecret("api-key", "one");
        Emulator.SetSecret("api-key", "two");
        await using var provider = _vault.CreateProvider();

        using var secret = await provider.GetSecretAsync(SecretReference.Parse($"azure-kv://main/api-key?version={first}"));

        Assert.Equal("one", secret.Value.ExposeAsString());
        Assert.Equal(first, secret.Properties.Version);
    }

    [Fact]
    public async Task Reads_several_vaults_at_once()
    {
        await using var other = await KeyVaultHarness.StartAsync(new AzureKeyVaultEmulatorOptions { TestToken = Emulator.TestToken });
        Emulator.SetSecret("shared", "from-main");
        other.Emulator.SetSecret("shared", "from-other");
        await using var provider = _vault.CreateProvider(o =>
        {
            o.Vaults["other"] = other.Emulator.VaultUri;
            o.DefaultVault = "other";
            // Each emulator has its own certificate; route each vault to a handler that trusts its own.
            o.ConfigureClientOptions = options =>
            {
                options.DisableChallengeResourceVerification = true;
                options.Transport = new HttpClientTransport(new RoutingHandler(new()
                {
                    [Emulator.VaultUri.Authority] = Emulator.CreateHandler(),
                    [other.Emulator.VaultUri.Authority] = other.Emulator.CreateHandler(),
                }));
            };
        });

        using var fromMain = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/shared"));
        using var fromOther = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://other/shared"));
        using var fromDefault = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://shared"));

        Assert.Equal("from-main", fromMain.Value.ExposeAsString());
        Assert.Equal("from-other", fromOther.Value.ExposeAsString());
        Assert.Equal("from-other", fromDefault.Value.ExposeAsString());
        Assert.Equal("shared", fromDefault.Name);
    }

    [Fact]
    public async Task Single_configured_vault_is_the_default()
    {
        Emulator.SetSecret("only", "v");
        await using var provider = _vault.CreateProvider();

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://only"));

        Assert.Equal("v", secret.Value.ExposeAsString());
    }

    [Fact]
    public async Task Reference_naming_no_vault_with_several_and_no_default_is_refused()
    {
        await using var provider = _vault.CreateProvider(o => o.Vaults["second"] = new Uri("https://second.vault.azure.net/"));

        var error = await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://db")).AsTask());

        Assert.Contains("no default vault", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("azure-kv://contoso/db", "contoso.vault.azure.net")]
    [InlineData("azure-kv://Contoso-Prod.vault.azure.net/db", "contoso-prod.vault.azure.net")]
    public async Task Unlisted_vault_names_map_to_vault_hosts(string reference, string expectedHost)
    {
        var recorder = new RecordingHandler();
        await using var provider = new AzureKeyVaultSecretProvider(new AzureKeyVaultSecretProviderOptions
        {
            Credential = Emulator.CreateCredential(),
            ConfigureClientOptions = o => o.Transport = new HttpClientTransport(recorder),
        });

        await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(SecretReference.Parse(reference)).AsTask());

        Assert.Equal(expectedHost, recorder.LastRequest!.Host);
        // The environment tag is checked from the version listing before the value is asked for.
        Assert.Equal("/secrets/db/versions", recorder.LastRequest.AbsolutePath);
    }

    [Theory]
    [InlineData("azure-kv://evil.example.com/db")]
    [InlineData("azure-kv://main/bad_name")]
    [InlineData("azure-kv://main/a/b")]
    [InlineData("azure-kv://main/db?stage=AWSCURRENT")]
    [InlineData("azure-kv://main/db?version=..%2Fx")]
    public async Task Malformed_references_are_refused_before_any_request(string reference)
    {
        await using var provider = _vault.CreateProvider();

        await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => provider.GetSecretAsync(SecretReference.Parse(reference)).AsTask());

        Assert.Equal(0, Emulator.Counters.Requests + Emulator.Counters.Challenges);
    }

    [Fact]
    public async Task Unlisted_vaults_can_be_forbidden()
    {
        await using var provider = _vault.CreateProvider(o => o.AllowUnlistedVaults = false);

        var error = await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://contoso/db")).AsTask());

        Assert.Contains("known: main", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_secret_is_SecretNotFound()
    {
        await using var provider = _vault.CreateProvider();

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/missing")).AsTask());

        Assert.Equal("SecretNotFound", error.ErrorCode);
        Assert.Equal("azure-kv", error.Provider);
        Assert.Equal("main/missing", error.SecretName);
        Assert.Contains("404", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_version_is_SecretNotFound()
    {
        Emulator.SetSecret("db", "v");
        await using var provider = _vault.CreateProvider();

        await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db?version=00000000000000000000000000000000")).AsTask());
    }

    [Fact]
    public async Task Disabled_secret_refused_by_the_service_is_SecretNotFound_SecretDisabled()
    {
        Emulator.SetSecret("db", "v", enabled: false);
        await using var provider = _vault.CreateProvider();

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db")).AsTask());

        Assert.Equal("SecretDisabled", error.ErrorCode);
    }

    [Fact]
    public async Task Validity_period_is_enforced_by_the_provider_when_the_service_does_not()
    {
        // The real service documents but does not always enforce nbf/exp on reads; the provider checks them itself.
        await using var lax = await KeyVaultHarness.StartAsync(new AzureKeyVaultEmulatorOptions { EnforceValidityPeriod = false });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        lax.Emulator.SetSecret("expiring", "v", expiresOn: clock.GetUtcNow().AddHours(1));
        lax.Emulator.SetSecret("future", "v", notBefore: clock.GetUtcNow().AddHours(1));
        await using var provider = lax.CreateProvider(o => o.TimeProvider = clock);

        using (var stillValid = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://expiring")))
        {
            Assert.Equal("v", stillValid.Value.ExposeAsString());
        }

        var early = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://future")).AsTask());
        clock.Advance(TimeSpan.FromHours(2));
        var expired = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://expiring")).AsTask());
        using var nowValid = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://future"));

        Assert.Equal("SecretNotYetValid", early.ErrorCode);
        Assert.Equal("SecretExpired", expired.ErrorCode);
        Assert.Equal("v", nowValid.Value.ExposeAsString());
    }

    [Fact]
    public async Task Expired_secret_refused_by_the_service_is_SecretNotFound_SecretExpired()
    {
        Emulator.SetSecret("db", "v", expiresOn: DateTimeOffset.UtcNow.AddDays(-1));
        // A provider clock in the past shows that the service's refusal alone is mapped.
        await using var provider = _vault.CreateProvider(o => o.TimeProvider = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-2)));

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db")).AsTask());

        Assert.Equal("SecretExpired", error.ErrorCode);
    }

    [Fact]
    public async Task Token_the_vault_refuses_is_access_denied()
    {
        Emulator.SetSecret("db", "v");
        await using var provider = _vault.CreateProvider(o => o.Credential = new EmulatorTokenCredential("not-the-emulators"));

        var error = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db")).AsTask());

        Assert.Contains("401", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_is_SecretUnavailable_with_Retry_After_and_no_sdk_retry()
    {
        Emulator.SetSecret("db", "v");
        Emulator.Faults.RetryAfter = TimeSpan.FromSeconds(7);
        Emulator.Faults.ThrottleNext(1);
        await using var provider = _vault.CreateProvider();

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db")).AsTask());

        Assert.True(error.IsThrottled);
        Assert.True(error.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Equal(1, Emulator.Counters.Requests);
    }

    [Fact]
    public async Task One_503_costs_exactly_one_attempt_so_only_the_store_pipeline_retries()
    {
        Emulator.SetSecret("db", "v");
        Emulator.Faults.FailNext(1);
        await using var provider = _vault.CreateProvider(o => o.EnvironmentTagName = null); // one request per read

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db")).AsTask());
        using var retried = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db"));

        Assert.False(error.IsThrottled);
        Assert.Equal("ServiceUnavailable", error.ErrorCode);
        Assert.Equal(2, Emulator.Counters.Requests);
    }

    [Fact]
    public async Task Sdk_retries_may_replace_the_store_pipeline_but_not_add_to_it()
    {
        Emulator.SetSecret("db", "v");
        Emulator.Faults.FailNext(1);

        var both = Assert.Throws<ArgumentException>(() => _vault.CreateProvider(o => o.ConfigureClientOptions += c => c.Retry.MaxRetries = 2));
        await using var sdkOnly = _vault.CreateProvider(o =>
        {
            o.EnvironmentTagName = null; // one request per read
            o.Resilience.MaxRetryAttempts = 0;
            o.ConfigureClientOptions += c =>
            {
                c.Retry.MaxRetries = 2;
                c.Retry.Delay = TimeSpan.FromMilliseconds(1);
            };
        });
        using var secret = await sdkOnly.GetSecretAsync(SecretReference.Parse("azure-kv://main/db"));

        Assert.Contains("Two retry policies", both.Message, StringComparison.Ordinal);
        Assert.Equal("v", secret.Value.ExposeAsString());
        Assert.Equal(2, Emulator.Counters.Requests);
    }

    [Fact]
    public void Content_logging_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => _vault.CreateProvider(o => o.ConfigureClientOptions += c => c.Diagnostics.IsLoggingContentEnabled = true));

        Assert.Contains("IsLoggingContentEnabled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vault_addresses_must_be_https()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => _vault.CreateProvider(o => o.Vaults["plain"] = new Uri("http://127.0.0.1:1/")));

        Assert.Contains("plain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_default_vault_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => _vault.CreateProvider(o =>
        {
            o.AllowUnlistedVaults = false;
            o.DefaultVault = "nowhere";
        }));

        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_usable_secrets_by_prefix_across_pages()
    {
        for (var i = 0; i < 60; i++)
        {
            Emulator.SetSecret($"app--key{i:D2}", "v");
        }

        Emulator.SetSecret("other", "v");
        Emulator.SetSecret("app--disabled", "v", enabled: false);
        Emulator.SetSecret("app--expired", "v", expiresOn: DateTimeOffset.UtcNow.AddDays(-1));
        Emulator.SetSecret("app--prod-only", "v", tags: new Dictionary<string, string> { ["environment"] = "Production" });
        Emulator.SetSecret("app--dev", "v", tags: new Dictionary<string, string> { ["environment"] = "Staging, Development" });
        await using var provider = _vault.CreateProvider();

        var listed = new List<SecretProperties>();
        await foreach (var item in provider.ListSecretsAsync("main/APP--"))
        {
            listed.Add(item);
        }

        Assert.Equal(61, listed.Count);
        Assert.Contains(listed, p => p.Name == "main/app--dev");
        Assert.DoesNotContain(listed, p => p.Name is "main/app--disabled" or "main/app--expired" or "main/app--prod-only" or "main/other");
        Assert.All(listed, p => Assert.NotNull(p.UpdatedOn));
        Assert.Equal(3, Emulator.Counters.Requests);
        Assert.Equal(0, Emulator.Counters.ValueReads);
    }

    [Fact]
    public async Task Listing_the_default_vault_returns_bare_names()
    {
        Emulator.SetSecret("a", "v");
        await using var provider = _vault.CreateProvider();

        var names = new List<string>();
        await foreach (var item in provider.ListSecretsAsync())
        {
            names.Add(item.Name);
        }

        Assert.Equal(["a"], names);
    }

    [Fact]
    public async Task Properties_come_without_reading_the_value_and_change_with_a_new_version()
    {
        var first = Emulator.SetSecret("db", "one", contentType: "text/plain");
        await using var provider = _vault.CreateProvider();
        var reference = SecretReference.Parse("azure-kv://main/db");

        var before = await provider.GetPropertiesAsync(reference);
        var second = Emulator.SetSecret("db", "two");
        var after = await provider.GetPropertiesAsync(reference);
        var pinned = await provider.GetPropertiesAsync(SecretReference.Parse($"azure-kv://main/db?version={first}"));

        Assert.Equal(first, before.Version);
        Assert.Equal("text/plain", before.ContentType);
        Assert.Equal(second, after.Version);
        Assert.NotEqual(before.ChangeToken, after.ChangeToken);
        Assert.Equal(first, pinned.Version);
        Assert.Equal(0, Emulator.Counters.ValueReads);
    }

    [Fact]
    public async Task Properties_of_a_disabled_or_missing_secret_are_refused()
    {
        Emulator.SetSecret("db", "one", enabled: false);
        await using var provider = _vault.CreateProvider();

        var disabled = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetPropertiesAsync(SecretReference.Parse("azure-kv://main/db")).AsTask());
        var missing = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetPropertiesAsync(SecretReference.Parse("azure-kv://main/nope")).AsTask());
        var noVersion = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetPropertiesAsync(SecretReference.Parse("azure-kv://main/db?version=abc")).AsTask());

        Assert.Equal("SecretDisabled", disabled.ErrorCode);
        Assert.Equal("SecretNotFound", missing.ErrorCode);
        Assert.Contains("abc", noVersion.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_stores_a_new_current_version()
    {
        await using var provider = _vault.CreateProvider();
        using var value = SecretValue.FromText("s3cr3t");

        var stored = await provider.SetSecretAsync("main/new-secret", value);
        using var read = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/new-secret"));

        Assert.Equal("main/new-secret", stored.Name);
        Assert.Equal(stored.Version, read.Properties.Version);
        Assert.Equal("s3cr3t", read.Value.ExposeAsString());
    }

    [Fact]
    public async Task Rotate_without_a_generator_says_Key_Vault_cannot_rotate()
    {
        Emulator.SetSecret("db", "v");
        await using var provider = _vault.CreateProvider();

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => provider.RotateSecretAsync(SecretReference.Parse("azure-kv://main/db")).AsTask());

        Assert.Contains("RotationValueGenerator", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Emulator.Counters.Requests);
    }

    [Fact]
    public async Task Rotate_with_a_generator_stores_a_new_version_keeping_content_type_and_tags()
    {
        var old = Emulator.SetSecret("db", "old", contentType: "text/plain", tags: new Dictionary<string, string> { ["team"] = "core" });
        SecretReference? asked = null;
        await using var provider = _vault.CreateProvider(o => o.RotationValueGenerator = (reference, _) =>
        {
            asked = reference;
            return ValueTask.FromResult(SecretValue.FromText("rotated"));
        });
        var reference = SecretReference.Parse("azure-kv://main/db");

        var rotated = await provider.RotateSecretAsync(reference);
        using var read = await provider.GetSecretAsync(reference);

        Assert.Equal(reference, asked);
        Assert.NotEqual(old, rotated.Version);
        Assert.Equal("rotated", read.Value.ExposeAsString());
        Assert.Equal("text/plain", read.Properties.ContentType);
        Assert.Equal("core", read.Properties.Tags["team"]);
    }

    [Theory]
    [InlineData("Development", false)]
    [InlineData("Production", true)]
    [InlineData("production", true)]
    public async Task Environment_tag_scopes_secrets(string environment, bool allowed)
    {
        Emulator.SetSecret("db", "v", tags: new Dictionary<string, string> { ["environment"] = "Staging,Production" });
        await using var provider = _vault.CreateProvider(o => o.Environment = environment);
        var reference = SecretReference.Parse("azure-kv://main/db");

        if (allowed)
        {
            using var secret = await provider.GetSecretAsync(reference);
            Assert.Equal("v", secret.Value.ExposeAsString());
        }
        else
        {
            var error = await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => provider.GetSecretAsync(reference).AsTask());
            Assert.Contains("'Development'", error.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => provider.GetPropertiesAsync(reference).AsTask());
        }
    }

    [Fact]
    public async Task Environment_tag_name_is_configurable_and_can_be_turned_off()
    {
        Emulator.SetSecret("db", "v", tags: new Dictionary<string, string> { ["environment"] = "Production", ["stage"] = "Production" });
        await using var custom = _vault.CreateProvider(o => o.EnvironmentTagName = "stage");
        await using var off = _vault.CreateProvider(o => o.EnvironmentTagName = null);

        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => custom.GetSecretAsync(SecretReference.Parse("azure-kv://db")).AsTask());
        using var secret = await off.GetSecretAsync(SecretReference.Parse("azure-kv://db"));

        Assert.Equal("v", secret.Value.ExposeAsString());
    }

    [Fact]
    public async Task Pkcs12_content_is_decoded_from_base64()
    {
        byte[] pfx = [0x30, 0x82, 0x00, 0xFF, 0x01];
        Emulator.SetSecret("cert", Convert.ToBase64String(pfx), contentType: "application/x-pkcs12");
        Emulator.SetSecret("broken", "not base64!", contentType: "application/x-pkcs12");
        await using var provider = _vault.CreateProvider();

        using var cert = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://cert"));
        var broken = await Assert.ThrowsAsync<SecretFormatException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://broken")).AsTask());

        Assert.Equal(pfx, cert.Value.ExposeAsBytes());
        Assert.Equal("application/x-pkcs12", cert.Properties.ContentType);
        Assert.DoesNotContain("not base64!", broken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_fetch_keeps_order_and_isolates_failures()
    {
        Emulator.SetSecret("a", "1");
        Emulator.SetSecret("c", "3");
        await using var provider = _vault.CreateProvider(o => o.MaxConcurrentRequests = 2);
        SecretReference[] references = [SecretReference.Parse("azure-kv://a"), SecretReference.Parse("azure-kv://b"), SecretReference.Parse("azure-kv://c")];

        var results = await provider.GetSecretsAsync(references);

        Assert.Equal(references, results.Select(r => r.Reference));
        Assert.Equal("1", results[0].Secret!.Value.ExposeAsString());
        Assert.IsType<SecretNotFoundException>(results[1].Error);
        Assert.Equal("3", results[2].Secret!.Value.ExposeAsString());
        foreach (var result in results)
        {
            result.Secret?.Dispose();
        }
    }

    [Fact]
    public async Task Load_fetches_every_usable_secret_under_a_prefix()
    {
        for (var i = 0; i < 40; i++)
        {
            Emulator.SetSecret($"cfg--k{i:D2}", $"value-{i:D2}");
        }

        Emulator.SetSecret("cfg--off", "v", enabled: false);
        Emulator.SetSecret("unrelated", "v");
        await using var store = new SecretStore([_vault.CreateProvider()], new SecretStoreOptions { Environment = "Development" });

        var loaded = new Dictionary<string, string>();
        foreach (var result in await store.LoadSecretsAsync("azure-kv", "cfg--"))
        {
            using var secret = result.Secret!;
            loaded[secret.Name] = secret.Value.ExposeAsString();
        }

        Assert.Equal(40, loaded.Count);
        Assert.Equal("value-07", loaded["cfg--k07"]);
        Assert.Equal(40, Emulator.Counters.ValueReads);
    }

    [Fact]
    public async Task Load_can_be_abandoned_early()
    {
        for (var i = 0; i < 60; i++)
        {
            Emulator.SetSecret($"k{i:D2}", "v");
        }

        await using var provider = _vault.CreateProvider(o => o.MaxConcurrentRequests = 4);

        await foreach (var result in provider.LoadSecretsAsync())
        {
            result.Secret?.Dispose();
            break;
        }

        using var after = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://k59"));
        Assert.Equal("v", after.Value.ExposeAsString());
        Assert.True(Emulator.Counters.ValueReads < 60);
    }

    [Fact]
    public async Task Load_surfaces_a_listing_failure()
    {
        Emulator.Faults.FailNext(1);
        await using var provider = _vault.CreateProvider();

        await Assert.ThrowsAsync<SecretUnavailableException>(async () =>
        {
            await foreach (var result in provider.LoadSecretsAsync())
            {
                result.Secret?.Dispose();
            }
        });
    }

    [Fact]
    public async Task Identity_names_the_credential_kind_never_a_token()
    {
        await using var byDefault = new AzureKeyVaultSecretProvider(new AzureKeyVaultSecretProviderOptions());
        await using var managed = new AzureKeyVaultSecretProvider(new AzureKeyVaultSecretProviderOptions { ClientId = "11111111-2222-3333-4444-555555555555" });
        await using var custom = _vault.CreateProvider();

        Assert.Equal("DefaultAzureCredential", byDefault.Identity);
        Assert.Contains("11111111-2222-3333-4444-555555555555", managed.Identity, StringComparison.Ordinal);
        Assert.Equal(nameof(EmulatorTokenCredential), custom.Identity);
        Assert.DoesNotContain(Emulator.TestToken, custom.Identity!, StringComparison.Ordinal);
        Assert.Equal("azure-kv", byDefault.Name);
        Assert.True(byDefault.SupportsListing);
    }

    /// <summary>Sends each request to the handler of its host, so that one client options object reaches two emulators.</summary>
    private sealed class RoutingHandler(Dictionary<string, HttpMessageHandler> routes) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            new HttpMessageInvoker(routes[request.RequestUri!.Authority], disposeHandler: false).SendAsync(request, cancellationToken);
    }

    /// <summary>Records where the SDK sent a request and answers 503, for vaults that cannot be reached from a test.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public Uri? LastRequest { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastRequest = request.RequestUri;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                Content = new StringContent("""{"error":{"code":"ServiceUnavailable","message":"test"}}""", Encoding.UTF8, "application/json"),
            });
        }
    }
}

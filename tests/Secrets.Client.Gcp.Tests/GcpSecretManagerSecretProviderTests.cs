using Secrets.Client.Testing;

namespace Secrets.Client.Gcp.Tests;

/// <summary>The provider against the emulator, over real HTTP.</summary>
public sealed class GcpSecretManagerSecretProviderTests : IAsyncLifetime
{
    private GcpHarness _sm = null!;
    private GcpSecretManagerSecretProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _sm = await GcpHarness.StartAsync();
        _provider = _sm.CreateProvider(o => o.Resilience.RetryBaseDelay = TimeSpan.Zero);
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _sm.DisposeAsync();
    }

    [Fact]
    public async Task Reads_latest_by_default_and_a_pinned_version_on_request()
    {
        _sm.Emulator.AddVersion("db-password", "first");
        _sm.Emulator.AddVersion("db-password", "second");

        using var latest = await _provider.GetSecretAsync(SecretReference.Parse("gcp-sm://db-password"));
        using var pinned = await _provider.GetSecretAsync(SecretReference.Parse($"gcp-sm://{_sm.Emulator.ProjectId}/db-password?version=1"));

        Assert.Equal("second", latest.Value.ExposeAsString());
        Assert.Equal("2", latest.Properties.Version);
        Assert.Equal("db-password", latest.Name);
        Assert.Equal("first", pinned.Value.ExposeAsString());
        Assert.Equal("1", pinned.Properties.Version);
        Assert.Equal($"{_sm.Emulator.ProjectId}/db-password", pinned.Name);
    }

    [Fact]
    public async Task Binary_payloads_round_trip_byte_for_byte()
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        _sm.Emulator.AddVersion("blob", bytes);

        using var secret = await _provider.GetSecretAsync(SecretReference.Parse("gcp-sm://blob"));

        Assert.Equal(bytes, secret.Value.ExposeAsBytes());
    }

    [Fact]
    public async Task Checksum_mismatch_is_an_integrity_error()
    {
        _sm.Emulator.AddVersion("tampered", "v");
        _sm.Emulator.CorruptChecksums = true;

        var error = await Assert.ThrowsAsync<SecretIntegrityException>(() => _provider.GetSecretAsync(SecretReference.Parse("gcp-sm://tampered")).AsTask());

        Assert.Equal("ChecksumMismatch", error.ErrorCode);
        Assert.Equal("tampered", error.SecretName);
    }

    [Fact]
    public async Task Properties_give_the_latest_version_number_as_change_token()
    {
        _sm.Emulator.AddVersion("rotating", "a");
        var before = await _provider.GetPropertiesAsync(SecretReference.Parse("gcp-sm://rotating"));
        _sm.Emulator.AddVersion("rotating", "b");
        var after = await _provider.GetPropertiesAsync(SecretReference.Parse("gcp-sm://rotating"));

        Assert.Equal("1", before.ChangeToken);
        Assert.Equal("2", after.ChangeToken);
        Assert.NotNull(after.CreatedOn);
        Assert.Equal(0, _sm.Emulator.Counters.Accesses);
    }

    [Theory]
    [InlineData(false, "SecretVersionDisabled")]
    [InlineData(true, "SecretVersionDestroyed")]
    public async Task Disabled_and_destroyed_versions_are_not_found_with_a_code(bool destroy, string code)
    {
        _sm.Emulator.AddVersion("gone", "v");
        if (destroy)
        {
            _sm.Emulator.DestroyVersion("gone", 1);
        }
        else
        {
            _sm.Emulator.DisableVersion("gone", 1);
        }

        var get = await Assert.ThrowsAsync<SecretNotFoundException>(() => _provider.GetSecretAsync(SecretReference.Parse("gcp-sm://gone")).AsTask());
        var properties = await Assert.ThrowsAsync<SecretNotFoundException>(() => _provider.GetPropertiesAsync(SecretReference.Parse("gcp-sm://gone?version=1")).AsTask());

        Assert.Equal(code, get.ErrorCode);
        Assert.Equal(code, properties.ErrorCode);
    }

    [Fact]
    public async Task Missing_secret_and_missing_version_are_not_found()
    {
        _sm.Emulator.AddVersion("present", "v");

        var secret = await Assert.ThrowsAsync<SecretNotFoundException>(() => _provider.GetSecretAsync(SecretReference.Parse("gcp-sm://absent")).AsTask());
        var version = await Assert.ThrowsAsync<SecretNotFoundException>(() => _provider.GetSecretAsync(SecretReference.Parse("gcp-sm://present?version=9")).AsTask());

        Assert.Equal("NOT_FOUND", secret.ErrorCode);
        Assert.Contains("absent", secret.Message, StringComparison.Ordinal);
        Assert.Contains("gcp-sm", secret.Message, StringComparison.Ordinal);
        Assert.Equal("NOT_FOUND", version.ErrorCode);
    }

    [Fact]
    public async Task Lists_by_prefix_across_pages_and_filters_matches_in_the_middle_of_ids()
    {
        await using var paged = await GcpHarness.StartAsync(new GcpSecretManagerEmulatorOptions { MaxPageSize = 2 });
        await using var provider = paged.CreateProvider();
        foreach (var id in new[] { "app-a", "app-b", "app-c", "app-d", "app-e", "other", "my-app-x" })
        {
            paged.Emulator.AddVersion(id, "v");
        }

        var names = new List<string>();
        await foreach (var item in provider.ListSecretsAsync("app-"))
        {
            names.Add(item.Name);
            Assert.NotNull(item.CreatedOn);
        }

        var qualified = new List<string>();
        await foreach (var item in provider.ListSecretsAsync($"{paged.Emulator.ProjectId}/app-d"))
        {
            qualified.Add(item.Name);
        }

        Assert.Equal(["app-a", "app-b", "app-c", "app-d", "app-e"], names);
        Assert.Equal([$"{paged.Emulator.ProjectId}/app-d"], qualified);
        Assert.True(paged.Emulator.Counters.Requests >= 4, "the listing should have followed nextPageToken");
    }

    [Fact]
    public async Task Set_creates_the_secret_then_adds_versions()
    {
        using (var first = SecretValue.FromText("one"))
        {
            var created = await _provider.SetSecretAsync("new-secret", first);
            Assert.Equal("1", created.Version);
        }

        using (var second = SecretValue.FromText("two"))
        {
            var added = await _provider.SetSecretAsync("new-secret", second);
            Assert.Equal("2", added.Version);
        }

        using var read = await _provider.GetSecretAsync(SecretReference.Parse("gcp-sm://new-secret"));
        Assert.Equal("two", read.Value.ExposeAsString());
    }

    [Fact]
    public async Task Rotate_is_not_supported_without_a_generator_and_adds_a_version_with_one()
    {
        _sm.Emulator.AddVersion("api-key", "old");
        var unsupported = await Assert.ThrowsAsync<NotSupportedException>(() => _provider.RotateSecretAsync(SecretReference.Parse("gcp-sm://api-key")).AsTask());
        await using var rotating = _sm.CreateProvider(o => o.RotationValueGenerator = (_, _) => new ValueTask<SecretValue>(SecretValue.FromText("new")));

        var rotated = await rotating.RotateSecretAsync(SecretReference.Parse("gcp-sm://api-key"));

        Assert.Contains("Pub/Sub", unsupported.Message, StringComparison.Ordinal);
        Assert.Equal("2", rotated.Version);
        using var read = await rotating.GetSecretAsync(SecretReference.Parse("gcp-sm://api-key"));
        Assert.Equal("new", read.Value.ExposeAsString());
    }

    [Fact]
    public async Task Wrong_token_is_access_denied()
    {
        _sm.Emulator.AddVersion("s", "v");
        await using var provider = _sm.CreateProvider(o => o.AccessTokenProvider = _ => new ValueTask<string>("ya29.wrong"));

        var error = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://s")).AsTask());

        Assert.Equal("UNAUTHENTICATED", error.ErrorCode);
        Assert.Equal(1, _sm.Emulator.Counters.Unauthenticated);
    }

    [Fact]
    public async Task A_GoogleCredential_authenticates_every_request()
    {
        _sm.Emulator.AddVersion("s", "v");
        await using var provider = _sm.CreateProvider(o =>
        {
            o.AccessTokenProvider = null;
            o.Credential = Google.Apis.Auth.OAuth2.GoogleCredential.FromAccessToken(_sm.Emulator.TestToken);
        });

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("gcp-sm://s"));

        Assert.Equal("v", secret.Value.ExposeAsString());
        Assert.StartsWith("GoogleCredential", provider.Identity, StringComparison.Ordinal);
        Assert.Equal(0, _sm.Emulator.Counters.Unauthenticated);
    }

    [Fact]
    public async Task Without_a_credential_Application_Default_Credentials_are_used_and_their_absence_is_access_denied()
    {
        var file = Path.Combine(Path.GetTempPath(), $"adc-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "{\"type\":\"no-such-credential-type\"}");
        var previous = Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
        Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", file);
        try
        {
            await using var provider = _sm.CreateProvider(o => o.AccessTokenProvider = null);

            var error = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://s")).AsTask());

            Assert.Equal("Application Default Credentials", provider.Identity);
            Assert.Equal("CredentialUnavailable", error.ErrorCode);
            Assert.Equal(0, _sm.Emulator.Counters.Requests + _sm.Emulator.Counters.Unauthenticated);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", previous);
            File.Delete(file);
        }
    }

    [Fact]
    public void Credential_and_token_provider_together_are_refused()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => _sm.CreateProvider(o => o.Credential = Google.Apis.Auth.OAuth2.GoogleCredential.FromAccessToken("t")));

        Assert.Contains("at most one of", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_provider_failure_is_typed()
    {
        await using var provider = _sm.CreateProvider(o => o.AccessTokenProvider = _ => throw new InvalidOperationException("no ADC here"));

        var error = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://s")).AsTask());

        Assert.Equal("CredentialUnavailable", error.ErrorCode);
    }

    [Fact]
    public async Task Throttling_is_transient_with_Retry_After()
    {
        _sm.Emulator.AddVersion("s", "v");
        _sm.Emulator.Faults.RetryAfter = TimeSpan.FromSeconds(3);
        _sm.Emulator.Faults.ThrottleNext(1);

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => _provider.GetSecretAsync(SecretReference.Parse("gcp-sm://s")).AsTask());

        Assert.True(error.IsThrottled);
        Assert.True(error.IsTransient);
        Assert.Equal("RESOURCE_EXHAUSTED", error.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
    }

    [Fact]
    public async Task Server_errors_and_dropped_connections_are_unavailable()
    {
        _sm.Emulator.AddVersion("s", "v");
        _sm.Emulator.Faults.FailNext(1);
        var unavailable = await Assert.ThrowsAsync<SecretUnavailableException>(() => _provider.GetSecretAsync(SecretReference.Parse("gcp-sm://s")).AsTask());
        _sm.Emulator.Faults.DropNext(1);
        var dropped = await Assert.ThrowsAsync<SecretUnavailableException>(() => _provider.GetSecretAsync(SecretReference.Parse("gcp-sm://s")).AsTask());

        Assert.Equal("UNAVAILABLE", unavailable.ErrorCode);
        Assert.False(unavailable.IsThrottled);
        Assert.Equal("ConnectionFailed", dropped.ErrorCode);
    }

    [Fact]
    public async Task Environment_label_scoping_refuses_other_environments_and_fills_tags()
    {
        _sm.Emulator.AddVersion("prod-db", "p");
        _sm.Emulator.SetLabels("prod-db", new Dictionary<string, string> { ["environment"] = "production", ["team"] = "core" });
        _sm.Emulator.AddVersion("dev-db", "d");
        _sm.Emulator.SetLabels("dev-db", new Dictionary<string, string> { ["environment"] = "development" });
        await using var scoped = _sm.CreateProvider(o => o.EnvironmentLabelName = GcpSecretManagerSecretProviderOptions.DefaultEnvironmentLabelName);

        var refused = await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => scoped.GetSecretAsync(SecretReference.Parse("gcp-sm://prod-db")).AsTask());
        using var allowed = await scoped.GetSecretAsync(SecretReference.Parse("gcp-sm://dev-db"));
        var listed = new List<string>();
        await foreach (var item in scoped.ListSecretsAsync())
        {
            listed.Add(item.Name);
        }

        Assert.Contains("'Development'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, _sm.Emulator.Counters.Accesses); // the refused secret's value was never fetched
        Assert.Equal("development", allowed.Properties.Tags["environment"]);
        Assert.Equal(["dev-db"], listed);
    }

    [Theory]
    [InlineData("gcp-sm://bad.name")]
    [InlineData("gcp-sm://s?version=abc")]
    [InlineData("gcp-sm://s?stage=AWSCURRENT")]
    [InlineData("gcp-sm://Bad_Project/s")]
    public async Task Bad_references_are_refused_before_any_request(string text)
    {
        var error = await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => _provider.GetSecretAsync(SecretReference.Parse(text)).AsTask());

        Assert.Equal("gcp-sm", error.Provider);
        Assert.Equal(0, _sm.Emulator.Counters.Requests);
    }

    [Fact]
    public async Task A_reference_without_project_needs_a_default_project()
    {
        await using var provider = _sm.CreateProvider(o => o.DefaultProject = null);

        var error = await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://s")).AsTask());

        Assert.Contains(nameof(GcpSecretManagerSecretProviderOptions.DefaultProject), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://secretmanager.googleapis.com/")]
    [InlineData("ftp://127.0.0.1/")]
    public void Plain_http_is_refused_except_on_loopback(string endpoint)
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions { Endpoint = new Uri(endpoint), AccessTokenProvider = _ => new ValueTask<string>("t") }));

        Assert.Contains("Endpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_emulator_works_through_a_pinned_handler()
    {
        await using var https = await GcpHarness.StartAsync(new GcpSecretManagerEmulatorOptions { UseHttps = true });
        https.Emulator.AddVersion("tls", "secure");
        await using var provider = https.CreateProvider();

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("gcp-sm://tls"));

        Assert.StartsWith("https://", https.Emulator.Endpoint.ToString(), StringComparison.Ordinal);
        Assert.Equal("secure", secret.Value.ExposeAsString());
    }

    [Fact]
    public async Task GetSecrets_returns_one_result_per_reference_in_order()
    {
        _sm.Emulator.AddVersion("a", "1");
        _sm.Emulator.AddVersion("b", "2");

        var results = await _provider.GetSecretsAsync([SecretReference.Parse("gcp-sm://a"), SecretReference.Parse("gcp-sm://missing"), SecretReference.Parse("gcp-sm://b")]);

        Assert.Equal("1", results[0].Secret!.Value.ExposeAsString());
        Assert.IsType<SecretNotFoundException>(results[1].Error);
        Assert.Equal("2", results[2].Secret!.Value.ExposeAsString());
        foreach (var result in results)
        {
            result.Secret?.Dispose();
        }
    }
}

using Microsoft.Extensions.Logging;

namespace Secrets.Client.Tests.Conformance;

/// <summary>
/// The tests every cloud adapter runs against its loopback emulator, through <see cref="SecretStore"/> as an app reads:
/// reads, versions, fields, not found, denied, properties and change checks, listing across pages, writes, rotation,
/// environment scoping (this file); retries, <c>Retry-After</c> and cancellation (<c>.Faults</c>); the canary scan
/// (<c>.Canary</c>). An adapter's test project derives once and supplies its <see cref="ConformanceBackend"/>.
/// </summary>
public abstract partial class ProviderConformanceTests : IAsyncLifetime
{
    /// <summary>Gets the backend of the running test.</summary>
    protected ConformanceBackend Backend { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync() => Backend = await StartBackendAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync() => await Backend.DisposeAsync();

    [Fact]
    public async Task Get_returns_the_current_value_and_its_version()
    {
        var version = Backend.Seed("conf-db", "first-value");
        await using var store = CreateStore();

        var secret = await store.GetSecretAsync(Backend.ValueReference("conf-db"));

        Assert.Equal("first-value", secret.Value.ExposeAsString());
        Assert.Equal(version, secret.Properties.Version);
        Assert.Equal(Backend.ProviderName, secret.Properties.Provider);
    }

    [Fact]
    public async Task A_pinned_version_reads_that_version_while_the_current_one_moves_on()
    {
        var first = Backend.Seed("conf-versioned", "value-one");
        var second = Backend.Seed("conf-versioned", "value-two");
        await using var store = CreateStore();

        var pinned = await store.GetSecretAsync(WithVersion(Backend.ValueReference("conf-versioned"), first));
        var current = await store.GetSecretAsync(Backend.ValueReference("conf-versioned"));

        Assert.NotEqual(first, second);
        Assert.Equal("value-one", pinned.Value.ExposeAsString());
        Assert.Equal(first, pinned.Properties.Version);
        Assert.Equal("value-two", current.Value.ExposeAsString());
        Assert.Equal(second, current.Properties.Version);
    }

    [Fact]
    public async Task A_json_field_is_read_with_a_fragment()
    {
        Backend.Seed("conf-json", """{"username":"app","password":"field-value"}""");
        await using var store = CreateStore();

        var password = await store.GetSecretAsync(Backend.Reference("conf-json") + "#password");
        var missing = await Assert.ThrowsAnyAsync<SecretStoreException>(() => store.GetSecretAsync(Backend.Reference("conf-json") + "#nope").AsTask());

        Assert.Equal("field-value", password.Value.ExposeAsString());
        Assert.Contains("nope", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_secret_is_SecretNotFoundException_naming_provider_and_secret()
    {
        await using var store = CreateStore();

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => store.GetSecretAsync(Backend.ValueReference("conf-missing")).AsTask());

        Assert.Equal(Backend.ProviderName, error.Provider);
        Assert.Contains("conf-missing", error.SecretName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_the_backend_refuses_give_SecretAccessDeniedException()
    {
        Backend.Seed("conf-denied", "never-served");
        await using var store = CreateStore(new ConformanceProviderSettings { WrongCredentials = true });

        var error = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => store.GetSecretAsync(Backend.ValueReference("conf-denied")).AsTask());

        Assert.Equal(Backend.ProviderName, error.Provider);
        Assert.DoesNotContain("never-served", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Properties_report_the_version_and_their_change_token_moves_with_a_new_version()
    {
        var first = Backend.Seed("conf-props", "one");
        await using var store = CreateStore();

        var before = await store.GetSecretPropertiesAsync(SecretReference.Parse(Backend.Reference("conf-props")));
        var same = await store.GetSecretPropertiesAsync(SecretReference.Parse(Backend.Reference("conf-props")));
        var second = Backend.Seed("conf-props", "two");
        var after = await store.GetSecretPropertiesAsync(SecretReference.Parse(Backend.Reference("conf-props")));

        Assert.Equal(first, before.Version);
        Assert.Equal(before.ChangeToken, same.ChangeToken);
        Assert.Equal(second, after.Version);
        Assert.NotEqual(before.ChangeToken, after.ChangeToken);
    }

    [Fact]
    public async Task Listing_returns_every_secret_under_a_prefix_across_pages()
    {
        var names = Enumerable.Range(0, Backend.ListedSecretCount).Select(i => $"conf-list-{i:D3}").ToList();
        names.ForEach(name => Backend.Seed(name, "listed"));
        Backend.Seed("conf-other", "not-listed");
        await using var store = CreateStore();
        var before = Backend.Traffic.Requests;

        var listed = new List<string>();
        await foreach (var item in store.ListSecretsAsync(Backend.ProviderName, Backend.ListPrefix))
        {
            listed.Add(item.Name);
        }

        Assert.Equal(names.Select(Backend.ListedName).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.True(!Backend.ListsInPages || Backend.Traffic.Requests - before >= 2, $"{Backend.Traffic.Requests - before} listing request(s) for {names.Count} secrets: no paging was exercised.");
    }

    [Fact]
    public async Task A_value_set_through_the_store_reads_back_as_the_new_version()
    {
        Backend.Seed("conf-write", "old-value");
        await using var store = CreateStore();
        var old = await store.GetSecretAsync(Backend.ValueReference("conf-write"));

        SecretProperties written;
        using (var value = SecretValue.FromText("new-value"))
        {
            written = await store.SetSecretAsync(SecretReference.Parse(Backend.Reference("conf-write")), value);
        }

        var read = await store.GetSecretAsync(Backend.ValueReference("conf-write"));

        Assert.Equal("new-value", read.Value.ExposeAsString());
        Assert.NotEqual(old.Properties.Version, read.Properties.Version);
        Assert.Equal(written.Version, read.Properties.Version);
    }

    [Fact]
    public async Task Rotating_through_the_store_makes_a_new_current_version()
    {
        var first = Backend.Seed("conf-rotate", "before-rotation");
        await using var store = CreateStore(new ConformanceProviderSettings { RotationValue = "after-rotation" });

        var rotated = await store.RotateSecretAsync(SecretReference.Parse(Backend.Reference("conf-rotate")));
        var properties = await store.GetSecretPropertiesAsync(SecretReference.Parse(Backend.Reference("conf-rotate")));
        var read = await store.GetSecretAsync(Backend.ValueReference("conf-rotate"));

        Assert.NotEqual(first, rotated.Version);
        Assert.Equal(rotated.Version, properties.Version);
        Assert.NotEqual("before-rotation", read.Value.ExposeAsString());
    }

    [Fact]
    public async Task A_provider_scoped_to_Production_is_refused_in_Development_before_any_request()
    {
        Backend.Seed("conf-scoped", "production-only");
        await using var store = CreateStore(new ConformanceProviderSettings { Configure = o => o.AllowedEnvironments.Add("Production") });
        var before = Backend.Traffic.Requests;

        var error = await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => store.GetSecretAsync(Backend.ValueReference("conf-scoped")).AsTask());

        Assert.Contains("Development", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Backend.Traffic.Requests);
    }

    [Fact]
    public async Task A_reference_scoped_to_Production_is_refused_in_Development_before_any_request()
    {
        Backend.Seed("conf-env", "production-only");
        await using var store = CreateStore();
        var before = Backend.Traffic.Requests;
        var reference = SecretReference.Parse(Backend.ValueReference("conf-env"));

        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => store.GetSecretAsync(WithEnvironment(reference, "Production")).AsTask());

        Assert.Equal(before, Backend.Traffic.Requests);
    }

    /// <summary>Starts the emulator and wires the adapter to it.</summary>
    /// <returns>The backend.</returns>
    protected abstract Task<ConformanceBackend> StartBackendAsync();

    /// <summary>A store in Development over one provider of the backend.</summary>
    protected SecretStore CreateStore(ConformanceProviderSettings? settings = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null) =>
        new([Backend.CreateProvider(settings ?? new ConformanceProviderSettings())], new SecretStoreOptions { Environment = "Development" }, timeProvider, loggerFactory);

    private static SecretReference WithVersion(string reference, string version)
    {
        var parsed = SecretReference.Parse(reference);
        return new SecretReference(parsed.Provider, parsed.Path, version: version, field: parsed.Field);
    }

    private static SecretReference WithEnvironment(SecretReference reference, string environment)
    {
        var text = reference.ToString();
        var fragment = text.IndexOf('#', StringComparison.Ordinal);
        var (head, tail) = fragment < 0 ? (text, string.Empty) : (text[..fragment], text[fragment..]);
        return SecretReference.Parse(head + (head.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "env=" + environment + tail);
    }
}

using Secrets.Client.Testing;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

public sealed class AwsSecretsManagerSecretProviderTests
{
    [Fact]
    public async Task Gets_a_string_secret_with_its_metadata()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        var arn = emulator.CreateSecret("prod/db", "s3cr3t \"quoted\" \\ é 日本 \n line");
        await using var provider = CreateProvider(emulator);

        using var secret = await provider.GetSecretAsync(Ref("prod/db"));

        Assert.Equal("s3cr3t \"quoted\" \\ é 日本 \n line", Text(secret));
        Assert.Equal("prod/db", secret.Name);
        Assert.Equal("aws-sm", secret.Properties.Provider);
        Assert.Equal(emulator.GetVersionId("prod/db"), secret.Properties.Version);
        Assert.Equal(["AWSCURRENT"], secret.Properties.Stages);
        Assert.NotNull(secret.Properties.CreatedOn);
        Assert.Equal("text/plain", secret.Properties.ContentType);
        Assert.StartsWith("arn:aws:secretsmanager:us-east-1:", arn);
    }

    [Fact]
    public async Task A_fetched_secret_shares_its_name_and_stage_strings_instead_of_keeping_copies()
    {
        // Each cached secret keeps its properties: the name the request used and AWS's stage labels are not copied per secret.
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("prod/shared", "value");
        await using var provider = CreateProvider(emulator);
        var reference = Ref("prod/shared");

        using var secret = await provider.GetSecretAsync(reference);

        Assert.Same(reference.Path, secret.Properties.Name);
        Assert.Same(AwsSecretsManagerSecretProvider.CurrentStage, Assert.Single(secret.Properties.Stages));
    }

    [Fact]
    public async Task Gets_a_secret_by_arn()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        var arn = emulator.CreateSecret("by-arn", "value-1");
        await using var provider = CreateProvider(emulator);

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("aws-sm://" + arn));

        Assert.Equal("value-1", Text(secret));
        Assert.Equal("by-arn", secret.Name);
    }

    [Fact]
    public async Task Gets_a_binary_secret_decoded_from_base64()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        emulator.CreateSecret("binary", bytes);
        await using var provider = CreateProvider(emulator);

        using var secret = await provider.GetSecretAsync(Ref("binary"));

        Assert.Equal(bytes, secret.Value.ExposeAsBytes());
        Assert.Equal("application/octet-stream", secret.Properties.ContentType);
    }

    [Fact]
    public async Task Gets_versions_by_stage_and_by_id()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("staged", "v1");
        var v1 = emulator.GetVersionId("staged")!;
        var v2 = emulator.PutSecretValue("staged", "v2");
        var pending = emulator.PutSecretValue("staged", "v3-pending", "AWSPENDING");
        await using var provider = CreateProvider(emulator);

        using var current = await provider.GetSecretAsync(Ref("staged"));
        using var previous = await provider.GetSecretAsync(SecretReference.Parse("aws-sm://staged?stage=AWSPREVIOUS"));
        using var pendingSecret = await provider.GetSecretAsync(Ref("staged", stage: "AWSPENDING"));
        using var first = await provider.GetSecretAsync(SecretReference.Parse($"aws-sm://staged?version={v1}"));

        Assert.Equal("v2", Text(current));
        Assert.Equal(v2, current.Properties.Version);
        Assert.Equal("v1", Text(previous));
        Assert.Equal(v1, previous.Properties.Version);
        Assert.Equal(["AWSPREVIOUS"], previous.Properties.Stages);
        Assert.Equal("v3-pending", Text(pendingSecret));
        Assert.Equal(pending, pendingSecret.Properties.Version);
        Assert.Equal("v1", Text(first));
    }

    [Fact]
    public async Task Json_secret_feeds_field_references()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("app/db", """{"username":"admin","password":"p\u00e4ss\"word","port":5432}""");
        await using var provider = CreateProvider(emulator);

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("aws-sm://app/db#password"));
        using var password = secret.Value.GetJsonField("password");
        using var port = secret.Value.GetJsonField("port");

        Assert.Equal("application/json", secret.Properties.ContentType);
        Assert.Equal("päss\"word", Text(password));
        Assert.Equal("5432", Text(port));
    }

    [Fact]
    public async Task Missing_secret_and_missing_stage_are_not_found()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("only-one", "v1");
        await using var provider = CreateProvider(emulator);

        var missing = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(Ref("nope")).AsTask());
        var noPrevious = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(Ref("only-one", stage: "AWSPREVIOUS")).AsTask());

        Assert.Equal("ResourceNotFoundException", missing.ErrorCode);
        Assert.Equal("nope", missing.SecretName);
        Assert.Equal("aws-sm", missing.Provider);
        Assert.Contains("nope", missing.Message, StringComparison.Ordinal);
        Assert.Equal("ResourceNotFoundException", noPrevious.ErrorCode);
    }

    [Fact]
    public async Task Secret_scheduled_for_deletion_is_not_found_with_the_aws_code()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("doomed", "v1");
        emulator.DeleteSecret("doomed");
        await using var provider = CreateProvider(emulator);

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(Ref("doomed")).AsTask());
        var describe = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetPropertiesAsync(Ref("doomed")).AsTask());

        Assert.Equal("InvalidRequestException", error.ErrorCode);
        Assert.Contains("deletion", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("InvalidRequestException", describe.ErrorCode);
    }

    [Fact]
    public async Task Properties_change_exactly_when_a_new_version_becomes_current()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("watched", "v1");
        await using var provider = CreateProvider(emulator);

        var before = await provider.GetPropertiesAsync(Ref("watched"));
        var again = await provider.GetPropertiesAsync(Ref("watched"));
        emulator.PutSecretValue("watched", "pending-only", "AWSPENDING");
        var withPending = await provider.GetPropertiesAsync(Ref("watched"));
        var v2 = emulator.PutSecretValue("watched", "v2");
        var after = await provider.GetPropertiesAsync(Ref("watched"));

        Assert.Equal(before.ChangeToken, again.ChangeToken);
        Assert.Equal(before.ChangeToken, withPending.ChangeToken);
        Assert.Equal(v2, after.Version);
        Assert.NotEqual(before.ChangeToken, after.ChangeToken);
        Assert.Equal(["AWSCURRENT"], after.Stages);
        Assert.Equal(0, emulator.GetRequestCount("GetSecretValue"));
        Assert.Equal(4, emulator.GetRequestCount("DescribeSecret"));
    }

    [Fact]
    public async Task Lists_secret_versions_with_their_stages()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("versions", "v1");
        var v1 = emulator.GetVersionId("versions")!;
        var v2 = emulator.PutSecretValue("versions", "v2");
        var v3 = emulator.PutSecretValue("versions", "v3");
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" });

        var live = await store.ListSecretVersionsAsync(Ref("versions"));
        var all = await store.ListSecretVersionsAsync(Ref("versions"), includeDeprecated: true);

        Assert.Equal(new[] { v2, v3 }.Order(), live.Select(v => v.Version!).Order());
        Assert.Equal(["AWSPREVIOUS"], live.Single(v => v.Version == v2).Stages);
        Assert.Equal(["AWSCURRENT"], live.Single(v => v.Version == v3).Stages);
        Assert.Contains(all, v => v.Version == v1 && v.Stages.Count == 0);
    }

    [Fact]
    public async Task Lists_by_prefix_across_pages()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        for (var i = 0; i < 230; i++)
        {
            emulator.CreateSecret($"app/config/{i:D3}", "x");
        }

        emulator.CreateSecret("App/config/upper", "x");
        emulator.CreateSecret("other/thing", "x");
        emulator.CreateSecret("app/config/deleted", "x");
        emulator.DeleteSecret("app/config/deleted");
        await using var provider = CreateProvider(emulator);

        var listed = await ToListAsync(provider.ListSecretsAsync("app/config/"));
        var pages = emulator.GetRequestCount("ListSecrets");
        var everything = await ToListAsync(provider.ListSecretsAsync());

        Assert.Equal(230, listed.Count);
        Assert.Equal(230, listed.Select(p => p.Name).Distinct().Count());
        Assert.All(listed, p => Assert.StartsWith("app/config/", p.Name, StringComparison.Ordinal));
        Assert.All(listed, p => Assert.NotNull(p.Version));
        Assert.Equal(3, pages);
        Assert.Equal(232, everything.Count);
    }

    [Fact]
    public async Task Lists_with_filters()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("a/one", "x", description: "Database password");
        emulator.CreateSecret("a/two", "x", description: "API key");
        emulator.CreateSecret("b/three", "x", description: "database replica");
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" });

        var databases = await store.ListSecretsByFilterAsync("aws-sm", [new AwsSecretFilter("description", "database")]);
        var aNotDatabase = await store.ListSecretsByFilterAsync("aws-sm", [AwsSecretFilter.NamePrefix("a/"), new AwsSecretFilter("description", "!database")]);

        Assert.Equal(["a/one", "b/three"], databases.Select(p => p.Name).Order());
        Assert.Equal(["a/two"], aNotDatabase.Select(p => p.Name));
        Assert.Throws<ArgumentException>(() => new AwsSecretFilter("colour", "red"));
    }

    [Fact]
    public async Task Set_creates_then_puts_and_moves_the_stages()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        await using var provider = CreateProvider(emulator);

        using var first = SecretValue.FromText("first-value");
        var created = await provider.SetSecretAsync("new/secret", first);
        using var second = SecretValue.FromText("second \"value\"\u0001");
        var put = await provider.SetSecretAsync("new/secret", second);

        Assert.Equal(1, emulator.GetRequestCount("CreateSecret"));
        Assert.Equal(2, emulator.GetRequestCount("PutSecretValue"));
        Assert.Equal(emulator.GetVersionId("new/secret", "AWSPREVIOUS"), created.Version);
        Assert.Equal(emulator.GetVersionId("new/secret"), put.Version);
        Assert.Equal(["AWSCURRENT"], put.Stages);
        using var current = await provider.GetSecretAsync(Ref("new/secret"));
        using var previous = await provider.GetSecretAsync(Ref("new/secret", stage: "AWSPREVIOUS"));
        Assert.Equal("second \"value\"\u0001", Text(current));
        Assert.Equal("first-value", Text(previous));
    }

    [Fact]
    public async Task Set_sends_bytes_that_are_not_utf8_as_secret_binary()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("bin", "old");
        await using var provider = CreateProvider(emulator);
        byte[] bytes = [0xFF, 0x00, 0xC3, 0x28, 0x80];

        using var value = SecretValue.FromBytes(bytes);
        await provider.SetSecretAsync("bin", value);
        using var read = await provider.GetSecretAsync(Ref("bin"));

        Assert.Equal(bytes, read.Value.ExposeAsBytes());
        Assert.Equal("application/octet-stream", read.Properties.ContentType);
    }

    [Fact]
    public async Task Rotate_now_makes_a_new_current_and_keeps_the_old_as_previous()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("leaked", "leaked-value");
        var old = emulator.GetVersionId("leaked");
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" });

        var rotated = await store.RotateSecretAsync(Ref("leaked"));
        var window = await store.GetRotationWindowAsync(Ref("leaked"));

        Assert.NotEqual(old, rotated.Version);
        Assert.Equal(rotated.Version, window.Current.Properties.Version);
        Assert.Equal(old, window.Previous!.Properties.Version);
        Assert.NotEqual("leaked-value", Text(window.Current));
        Assert.True(window.Matches(Utf8("leaked-value")));
        Assert.True(window.Matches(window.Current.Value.ExposeAsBytes()));
        Assert.False(window.Matches(Utf8("something-else")));
    }

    [Fact]
    public async Task Rotation_window_of_a_never_changed_secret_has_no_previous()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("fresh", "only");
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" });

        var window = await store.GetRotationWindowAsync(Ref("fresh"));

        Assert.Null(window.Previous);
        Assert.True(window.Matches(Utf8("only")));
        Assert.DoesNotContain("only", window.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_the_access_key_id_as_identity_never_the_secret_key()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("x", "y");
        await using var provider = CreateProvider(emulator);

        Assert.Null(provider.Identity);
        using var _ = await provider.GetSecretAsync(Ref("x"));

        Assert.Equal(emulator.AccessKeyId, provider.Identity);
        Assert.Equal("aws-sm", provider.Name);
        Assert.Equal(20, provider.MaxBatchSize);
        Assert.True(provider.SupportsListing);
    }

    [Fact]
    public async Task Refuses_a_reference_to_another_provider()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        await using var provider = CreateProvider(emulator);

        await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://vault/x")).AsTask());
    }
}

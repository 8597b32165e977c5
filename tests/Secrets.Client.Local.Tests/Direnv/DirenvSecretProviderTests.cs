using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Local.Tests.Direnv;

public sealed class DirenvSecretProviderTests
{
    public static TheoryData<string> Corpus => new(DirenvHarness.CorpusCases);

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Serves_exactly_the_variables_direnv_exec_adds_to_the_base_environment(string corpusCase)
    {
        using var harness = new DirenvHarness();
        var directory = harness.CopyCase(corpusCase);
        await harness.AllowAsync(directory);
        var expected = await harness.ExecEnvironmentAsync(directory);

        await using var provider = new DirenvSecretProvider(harness.Options(directory));
        var actual = await ProviderReader.ReadAllAsync(provider);

        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Follows_edits_of_a_dotenv_file_the_envrc_loads_after_the_check_interval()
    {
        using var harness = new DirenvHarness();
        var directory = harness.CopyCase("dotenv-default");
        await harness.AllowAsync(directory);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var provider = new DirenvSecretProvider(WithClock(harness.Options(directory), time));
        var reference = SecretReference.Parse("direnv://DATABASE_URL");
        var before = await provider.GetPropertiesAsync(reference);
        var untouched = await provider.GetPropertiesAsync(SecretReference.Parse("direnv://STRIPE_KEY"));

        File.WriteAllText(Path.Combine(directory, ".env"), File.ReadAllText(Path.Combine(directory, ".env")).Replace("devpass", "rotated-longer-password", StringComparison.Ordinal));
        Assert.Equal(before.Version, (await provider.GetPropertiesAsync(reference)).Version);

        time.Advance(TimeSpan.FromSeconds(3));
        var after = await provider.GetPropertiesAsync(reference);

        Assert.NotEqual(before.Version, after.Version);
        Assert.Equal(untouched.Version, (await provider.GetPropertiesAsync(SecretReference.Parse("direnv://STRIPE_KEY"))).Version);
        using var secret = await provider.GetSecretAsync(reference);
        Assert.Equal("postgres://app:rotated-longer-password@localhost/app", secret.Value.ExposeAsString());
    }

    [Fact]
    public async Task An_envrc_edited_after_it_was_allowed_is_refused_with_an_actionable_error_and_the_last_values_stay()
    {
        using var harness = new DirenvHarness();
        var directory = harness.CreateDirectory("blocked", "export TOKEN=first\n");
        await harness.AllowAsync(directory);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var provider = new DirenvSecretProvider(WithClock(harness.Options(directory), time));
        using (var first = await provider.GetSecretAsync(SecretReference.Parse("direnv://TOKEN")))
        {
            Assert.Equal("first", first.Value.ExposeAsString());
        }

        File.WriteAllText(Path.Combine(directory, ".envrc"), "export TOKEN=second-but-never-allowed\n");
        time.Advance(TimeSpan.FromSeconds(3));
        var error = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(SecretReference.Parse("direnv://TOKEN")).AsTask());

        Assert.Equal("Blocked", error.ErrorCode);
        Assert.Contains("direnv allow", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("second-but-never-allowed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_variable_is_not_found_and_names_the_directory()
    {
        using var harness = new DirenvHarness();
        var directory = harness.CreateDirectory("missing", "export PRESENT=1\n");
        await harness.AllowAsync(directory);
        await using var provider = new DirenvSecretProvider(harness.Options(directory));

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("direnv://ABSENT")).AsTask());

        Assert.Contains(directory, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_direnv_executable_is_a_typed_error_naming_the_tool()
    {
        using var harness = new DirenvHarness();
        var directory = harness.CreateDirectory("no-tool", "export A=1\n");
        var options = harness.Options(directory);
        options.ExecutablePath = "/nonexistent/bin/direnv";
        await using var provider = new DirenvSecretProvider(options);

        var error = await Assert.ThrowsAsync<SecretToolNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("direnv://A")).AsTask());

        Assert.Equal("/nonexistent/bin/direnv", error.FileName);
    }

    [Fact]
    public void Refuses_to_run_in_Production_unless_allowed()
    {
        using var harness = new DirenvHarness();
        var options = harness.Options(harness.CreateDirectory("prod", "export A=1\n"));
        options.Environment = "Production";

        Assert.Throws<SecretEnvironmentScopeException>(() => new DirenvSecretProvider(options));

        options.AllowInProduction = true;
        _ = new DirenvSecretProvider(options);
    }

    [Fact]
    public async Task A_directory_without_an_envrc_serves_nothing()
    {
        using var harness = new DirenvHarness();
        var directory = Path.Combine(Path.GetTempPath(), "direnv-empty-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            await using var provider = new DirenvSecretProvider(harness.Options(directory));
            Assert.Empty(await ProviderReader.ReadAllAsync(provider));
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    private static DirenvSecretProviderOptions WithClock(DirenvSecretProviderOptions options, TimeProvider time)
    {
        options.TimeProvider = time;
        return options;
    }
}

public sealed class DirenvCanaryTests
{
    [Fact]
    public async Task No_value_read_through_direnv_is_left_as_a_managed_string()
    {
        var canary = System.Text.Encoding.ASCII.GetBytes("CANARY" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)));
        using var harness = new DirenvHarness();
        var directory = harness.CreateDirectory("canary", "dotenv\n");
        File.WriteAllBytes(Path.Combine(directory, ".env"), [.. "TOKEN="u8, .. canary, .. "\n"u8]);
        await harness.AllowAsync(directory);

        await using (var provider = new DirenvSecretProvider(harness.Options(directory)))
        {
            using var secret = await provider.GetSecretAsync(SecretReference.Parse("direnv://TOKEN"));
            Assert.True(secret.Value.Use(canary, static (bytes, expected) => bytes.SequenceEqual(expected)));
        }

        Assert.Equal(0, Secrets.Client.Tests.Shared.ManagedHeap.CountStringsContaining(System.Text.Encoding.ASCII.GetChars(canary)));
    }
}

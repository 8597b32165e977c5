using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Local.Tests;

public sealed class DotEnvSecretProviderTests : IDisposable
{
    private const string Canary = "CANARY-7f3a9c-dotenv";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Reads_a_key_with_metadata()
    {
        var path = _directory.Write(".env", $"API_KEY={Canary}\n");
        await using var provider = Create(path);

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("dotenv://API_KEY"));

        Assert.Equal(Canary, secret.Value.ExposeAsString());
        Assert.Equal("dotenv", secret.Properties.Provider);
        Assert.Equal("API_KEY", secret.Name);
        Assert.Matches("^[0-9a-f]{32}$", secret.Properties.Version);
        Assert.Equal(File.GetLastWriteTimeUtc(path), secret.Properties.UpdatedOn!.Value.UtcDateTime);
    }

    [Fact]
    public async Task Missing_key_is_SecretNotFoundException_naming_key_and_file()
    {
        var path = _directory.Write(".env", "OTHER=1");
        await using var provider = Create(path);

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("dotenv://MISSING")).AsTask());

        Assert.Equal("dotenv", error.Provider);
        Assert.Equal("MISSING", error.SecretName);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_required_file_is_SecretNotFoundException_naming_the_path()
    {
        var path = Path.Combine(_directory.Path, "absent.env");
        await using var provider = Create(path);

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("dotenv://K")).AsTask());

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("Optional", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_optional_file_serves_nothing_and_is_picked_up_once_created()
    {
        var path = Path.Combine(_directory.Path, "later.env");
        var time = new FakeTimeProvider();
        await using var provider = Create(path, o => o.Optional = true, time);

        Assert.Empty(await ProviderReader.ReadAllAsync(provider));
        await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("dotenv://K")).AsTask());

        File.WriteAllText(path, "K=created");
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("created", (await ProviderReader.ReadAllAsync(provider))["K"]);
    }

    [Fact]
    public async Task Strict_mode_reports_file_and_line_of_a_bad_line_without_its_text()
    {
        var path = _directory.Write(".env", $"# comment\nGOOD=1\nPASSWORD {Canary}\n");
        await using var provider = Create(path);

        var error = await Assert.ThrowsAsync<DotEnvSyntaxException>(() => provider.GetSecretAsync(SecretReference.Parse("dotenv://GOOD")).AsTask());

        Assert.Equal(3, error.LineNumber);
        Assert.Equal(path, error.FilePath);
        Assert.Contains($"'{path}' on line 3", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<SecretFormatException>(error);
        Assert.DoesNotContain(Canary, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("K=\"{0}")] // never closed
    [InlineData("K='{0}' trailing")] // text after the closing quote
    [InlineData("A=1\nK=`{0}")]
    public async Task Strict_mode_reports_unclosed_quotes_naming_the_key_not_the_value(string template)
    {
        var path = _directory.Write(".env", string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Canary));
        await using var provider = Create(path);

        var error = await Assert.ThrowsAsync<DotEnvSyntaxException>(() => provider.ListSecretsAsync().ToListAsync().AsTask());

        Assert.Contains("'K'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Re_reads_the_file_after_it_changes_once_the_check_interval_passed()
    {
        var path = _directory.Write(".env", "ROTATED=old-value\nSTABLE=same\n");
        var time = new FakeTimeProvider();
        await using var provider = Create(path, o => o.ChangeCheckInterval = TimeSpan.FromSeconds(10), time);
        var rotated = SecretReference.Parse("dotenv://ROTATED");
        var stable = SecretReference.Parse("dotenv://STABLE");
        var before = await provider.GetPropertiesAsync(rotated);
        var stableBefore = await provider.GetPropertiesAsync(stable);

        File.WriteAllText(path, "ROTATED=new-value\nSTABLE=same\n");
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddMinutes(5));

        time.Advance(TimeSpan.FromSeconds(9));
        using (var stale = await provider.GetSecretAsync(rotated))
        {
            Assert.Equal("old-value", stale.Value.ExposeAsString());
        }

        time.Advance(TimeSpan.FromSeconds(1));
        var after = await provider.GetPropertiesAsync(rotated);
        using (var fresh = await provider.GetSecretAsync(rotated))
        {
            Assert.Equal("new-value", fresh.Value.ExposeAsString());
        }

        Assert.NotEqual(before.Version, after.Version);
        Assert.NotEqual(before.ChangeToken, after.ChangeToken);
        Assert.Equal(stableBefore.Version, (await provider.GetPropertiesAsync(stable)).Version);
    }

    [Fact]
    public async Task A_broken_edit_is_reported_and_the_fix_is_picked_up()
    {
        var path = _directory.Write(".env", "K=1\n");
        var time = new FakeTimeProvider();
        await using var provider = Create(path, o => o.ChangeCheckInterval = TimeSpan.Zero, time);
        Assert.Equal("1", (await ProviderReader.ReadAllAsync(provider))["K"]);

        File.WriteAllText(path, "K=2\nbroken line\n");
        await Assert.ThrowsAsync<DotEnvSyntaxException>(() => provider.GetSecretAsync(SecretReference.Parse("dotenv://K")).AsTask());

        File.WriteAllText(path, "K=3\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal("3", (await ProviderReader.ReadAllAsync(provider))["K"]);
    }

    [Fact]
    public async Task Deleting_a_required_file_after_loading_is_reported()
    {
        var path = _directory.Write(".env", "K=1\n");
        await using var provider = Create(path, o => o.ChangeCheckInterval = TimeSpan.Zero);
        await provider.GetPropertiesAsync(SecretReference.Parse("dotenv://K"));

        File.Delete(path);

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("dotenv://K")).AsTask());
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Versions_are_keyed_per_provider_and_do_not_reveal_short_values()
    {
        var path = _directory.Write(".env", "PIN=1234\nSAME=1234\n");
        await using var first = Create(path);
        await using var second = Create(path);
        var pin = SecretReference.Parse("dotenv://PIN");

        var version = (await first.GetPropertiesAsync(pin)).Version!;

        Assert.Equal(version, (await first.GetPropertiesAsync(pin)).Version);
        Assert.NotEqual(version, (await second.GetPropertiesAsync(pin)).Version);
        Assert.NotEqual(version, (await first.GetPropertiesAsync(SecretReference.Parse("dotenv://SAME"))).Version);
        var unkeyed = Convert.ToHexStringLower(SHA256.HashData("1234"u8));
        Assert.False(unkeyed.StartsWith(version, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pinned_version_must_be_the_current_one()
    {
        var path = _directory.Write(".env", "K=v\n");
        await using var provider = Create(path);
        var version = (await provider.GetPropertiesAsync(SecretReference.Parse("dotenv://K"))).Version;

        using var pinned = await provider.GetSecretAsync(new SecretReference("dotenv", "K", version: version));
        Assert.Equal("v", pinned.Value.ExposeAsString());
        await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(new SecretReference("dotenv", "K", version: "0000")).AsTask());
        await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(new SecretReference("dotenv", "K", stage: "previous")).AsTask());
    }

    [Fact]
    public async Task Lists_by_prefix_in_file_order()
    {
        var path = _directory.Write(".env", "DB_USER=u\nAPI_KEY=k\nDB_PASSWORD=p\n");
        await using var provider = Create(path);

        var listed = await provider.ListSecretsAsync("DB_").Select(p => p.Name).ToListAsync();

        Assert.True(provider.SupportsListing);
        Assert.Equal(["DB_USER", "DB_PASSWORD"], listed);
    }

    [Fact]
    public async Task Returned_secrets_are_copies_owned_by_the_caller()
    {
        var path = _directory.Write(".env", $"K={Canary}\n");
        var provider = Create(path);
        var first = await provider.GetSecretAsync(SecretReference.Parse("dotenv://K"));
        first.Dispose();
        Assert.True(first.Value.IsWiped);

        using var second = await provider.GetSecretAsync(SecretReference.Parse("dotenv://K"));
        await provider.DisposeAsync();

        Assert.Equal(Canary, second.Value.ExposeAsString());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => provider.GetSecretAsync(SecretReference.Parse("dotenv://K")).AsTask());
    }

    [Fact]
    public async Task No_value_reaches_logs_exceptions_or_ToString()
    {
        var path = _directory.Write(".env", $"K={Canary}\nQ=\"{Canary}\"\n");
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = new LoggerFactory([logs]);
        var time = new FakeTimeProvider();
        var options = new DotEnvSecretProviderOptions { Path = path, Environment = ProviderReader.Development, ChangeCheckInterval = TimeSpan.Zero, TimeProvider = time };
        await using var provider = new DotEnvSecretProvider(options, loggerFactory);
        var texts = new List<string> { provider.ToString(), options.ToString() };

        using (var secret = await provider.GetSecretAsync(SecretReference.Parse("dotenv://K")))
        {
            texts.Add(secret.ToString());
            texts.Add(secret.Value.ToString());
            texts.Add(secret.Properties.ToString());
        }

        File.WriteAllText(path, $"K={Canary}\nbroken {Canary}\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        var error = await Assert.ThrowsAsync<DotEnvSyntaxException>(() => provider.GetSecretAsync(SecretReference.Parse("dotenv://K")).AsTask());
        texts.Add(error.ToString());
        texts.AddRange(logs.Collector.GetSnapshot().Select(r => r.Message + r.Exception));

        Assert.Contains(logs.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.All(texts, text => Assert.DoesNotContain(Canary, text, StringComparison.Ordinal));
        Assert.Contains(path, provider.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_files_written_by_other_processes_and_large_files()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            builder.Append("KEY_").Append(i).Append("=\"value ").Append(i).Append("\\nsecond line\"\n");
        }

        var path = _directory.Write(".env", builder.ToString());
        await using var provider = Create(path);

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("dotenv://KEY_4999"));

        Assert.Equal("value 4999\nsecond line", secret.Value.ExposeAsString());
        Assert.Equal(5000, await provider.ListSecretsAsync().CountAsync());
    }

    [Fact]
    public void Relative_paths_are_resolved_when_constructed()
    {
        var provider = new DotEnvSecretProvider(new DotEnvSecretProviderOptions { Environment = ProviderReader.Development });

        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), ".env"), provider.Path);
        Assert.Equal("dotenv", provider.Name);
    }

    [Fact]
    public void Bad_options_are_rejected_when_constructed()
    {
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new DotEnvSecretProvider(new DotEnvSecretProviderOptions { Path = " ", Environment = ProviderReader.Development }));
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new DotEnvSecretProvider(new DotEnvSecretProviderOptions { ChangeCheckInterval = TimeSpan.FromSeconds(-1), Environment = ProviderReader.Development }));
        Assert.Throws<ArgumentException>(() => new DotEnvSecretProvider(new DotEnvSecretProviderOptions { Name = "not a scheme", Environment = ProviderReader.Development }));
    }

    private static DotEnvSecretProvider Create(string path, Action<DotEnvSecretProviderOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new DotEnvSecretProviderOptions { Path = path, Environment = ProviderReader.Development, TimeProvider = time ?? new FakeTimeProvider() };
        configure?.Invoke(options);
        return new DotEnvSecretProvider(options);
    }
}

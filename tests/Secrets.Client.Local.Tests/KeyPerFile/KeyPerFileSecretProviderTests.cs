using System.Globalization;

namespace Secrets.Client.Local.Tests;

public sealed class KeyPerFileSecretProviderTests : IDisposable
{
    private const string Canary = "CANARY-7f3a9c-files";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(Canary, Canary)]
    [InlineData(Canary + "\n", Canary)] // one trailing newline removed
    [InlineData(Canary + "\r\n", Canary)]
    [InlineData(Canary + "\n\n", Canary + "\n")] // only one
    [InlineData(Canary + " \n", Canary + " ")] // spaces kept
    [InlineData("line1\nline2\n", "line1\nline2")]
    [InlineData("", "")]
    public async Task Value_is_the_file_content_minus_one_trailing_newline(string content, string expected)
    {
        _directory.Write("db-password", content);
        await using var provider = Create();

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("files://db-password"));

        Assert.Equal(expected, secret.Value.ExposeAsString());
    }

    [Fact]
    public async Task Bytes_are_kept_exactly_when_trimming_is_off()
    {
        byte[] binary = [0xEF, 0xBB, 0xBF, 0x00, 0xFF, (byte)'\r', (byte)'\n'];
        _directory.WriteBytes("keystore", binary);
        await using var provider = Create(o => o.TrimTrailingNewline = false);

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("files://keystore"));

        Assert.Equal(binary, secret.Value.ExposeAsBytes());
    }

    [Fact]
    public async Task Version_is_the_last_write_time_and_changes_with_the_file()
    {
        var path = _directory.Write("token", "one");
        var written = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);
        await using var provider = Create();
        var reference = SecretReference.Parse("files://token");

        var before = await provider.GetPropertiesAsync(reference);
        File.WriteAllText(path, "two");
        File.SetLastWriteTimeUtc(path, written.AddSeconds(1));
        using var after = await provider.GetSecretAsync(reference);

        Assert.Equal(written.Ticks.ToString(CultureInfo.InvariantCulture), before.Version);
        Assert.Equal(written, before.UpdatedOn!.Value.UtcDateTime);
        Assert.Equal(written.AddSeconds(1).Ticks.ToString(CultureInfo.InvariantCulture), after.Properties.Version);
        Assert.Equal("two", after.Value.ExposeAsString());
    }

    [Fact]
    public async Task Lists_plain_files_only_sorted_and_by_prefix()
    {
        _directory.Write("db-user", "u");
        _directory.Write("db-password", "p");
        _directory.Write("api-key", "k");
        _directory.Write(".hidden", "h");
        _directory.Write("ignore.me", "i");
        Directory.CreateDirectory(Path.Combine(_directory.Path, "subdir"));
        _directory.Write(Path.Combine("subdir", "nested"), "n");
        await using var provider = Create();

        var all = await provider.ListSecretsAsync().Select(p => p.Name).ToListAsync();
        var db = await provider.ListSecretsAsync("db-").Select(p => p.Name).ToListAsync();

        Assert.Equal(["api-key", "db-password", "db-user"], all);
        Assert.Equal(["db-password", "db-user"], db);
    }

    [Theory]
    [InlineData(".hidden")]
    [InlineData("ignore.me")]
    public async Task Hidden_and_ignored_files_are_not_served(string name)
    {
        _directory.Write(name, Canary);
        await using var provider = Create();

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(new SecretReference("files", name)).AsTask());

        Assert.DoesNotContain(Canary, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ignore_prefix_can_be_turned_off()
    {
        _directory.Write("ignore.me", "served");
        await using var provider = Create(o => o.IgnorePrefix = null);

        using var secret = await provider.GetSecretAsync(new SecretReference("files", "ignore.me"));

        Assert.Equal("served", secret.Value.ExposeAsString());
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("sub/file")]
    [InlineData("..")]
    [InlineData("a\\b")]
    public async Task Names_with_path_parts_are_invalid_references(string name)
    {
        await using var provider = Create();

        await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => provider.GetSecretAsync(new SecretReference("files", name)).AsTask());
    }

    [Fact]
    public async Task Missing_file_and_directories_are_SecretNotFoundException()
    {
        await using var provider = Create();
        var missingDirectory = Path.Combine(_directory.Path, "absent");
        await using var required = Create(o => o.DirectoryPath = missingDirectory);
        await using var optional = Create(o => { o.DirectoryPath = missingDirectory; o.Optional = true; });

        var file = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("files://nope")).AsTask());
        var directory = await Assert.ThrowsAsync<SecretNotFoundException>(() => required.GetSecretAsync(SecretReference.Parse("files://nope")).AsTask());
        await Assert.ThrowsAsync<SecretNotFoundException>(() => required.ListSecretsAsync().ToListAsync().AsTask());

        Assert.Equal("nope", file.SecretName);
        Assert.Contains(missingDirectory, directory.Message, StringComparison.Ordinal);
        Assert.Empty(await optional.ListSecretsAsync().ToListAsync());
        await Assert.ThrowsAsync<SecretNotFoundException>(() => optional.GetSecretAsync(SecretReference.Parse("files://nope")).AsTask());
    }

    [Fact]
    public async Task Follows_symbolic_links_like_a_Kubernetes_mount()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // creating links needs a privilege there
        }

        // /mount/token -> ..data/token, ..data -> ..2030_v1; an update swaps ..data to a new directory.
        var first = Directory.CreateDirectory(Path.Combine(_directory.Path, "..2030_v1"));
        File.WriteAllText(Path.Combine(first.FullName, "token"), "v1");
        File.SetLastWriteTimeUtc(Path.Combine(first.FullName, "token"), new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var data = Path.Combine(_directory.Path, "..data");
        Directory.CreateSymbolicLink(data, first.FullName);
        File.CreateSymbolicLink(Path.Combine(_directory.Path, "token"), Path.Combine("..data", "token"));
        await using var provider = Create();
        var before = await provider.GetPropertiesAsync(SecretReference.Parse("files://token"));

        var second = Directory.CreateDirectory(Path.Combine(_directory.Path, "..2030_v2"));
        File.WriteAllText(Path.Combine(second.FullName, "token"), "v2");
        File.SetLastWriteTimeUtc(Path.Combine(second.FullName, "token"), new DateTime(2030, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        Directory.Delete(data);
        Directory.CreateSymbolicLink(data, second.FullName);
        using var after = await provider.GetSecretAsync(SecretReference.Parse("files://token"));

        Assert.Equal("v2", after.Value.ExposeAsString());
        Assert.NotEqual(before.Version, after.Properties.Version);
        Assert.Equal(["token"], await provider.ListSecretsAsync().Select(p => p.Name).ToListAsync());
    }

    [Fact]
    public void ToString_names_the_directory()
    {
        var provider = Create();

        Assert.Equal($"KeyPerFileSecretProvider(files, '{_directory.Path}', Required)", provider.ToString());
        Assert.Contains("/run/secrets", new KeyPerFileSecretProviderOptions().ToString(), StringComparison.Ordinal);
    }

    private KeyPerFileSecretProvider Create(Action<KeyPerFileSecretProviderOptions>? configure = null)
    {
        var options = new KeyPerFileSecretProviderOptions { DirectoryPath = _directory.Path, Environment = ProviderReader.Development };
        configure?.Invoke(options);
        return new KeyPerFileSecretProvider(options);
    }
}

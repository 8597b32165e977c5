namespace Secrets.Client.Local.Tests;

public sealed class EnvironmentVariablesSecretProviderTests : IDisposable
{
    private const string Canary = "CANARY-7f3a9c-env";
    private readonly string _prefix = "SCLT_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant() + "_";
    private readonly List<string> _set = [];

    public void Dispose()
    {
        foreach (var name in _set)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public async Task Reads_a_variable()
    {
        Set(_prefix + "API_KEY", Canary);
        await using var provider = Create();

        using var secret = await provider.GetSecretAsync(new SecretReference("env", _prefix + "API_KEY"));

        Assert.Equal(Canary, secret.Value.ExposeAsString());
        Assert.Equal("env", secret.Properties.Provider);
        Assert.Matches("^[0-9a-f]{32}$", secret.Properties.Version);
    }

    [Fact]
    public async Task Strips_the_configured_prefix_and_matches_it_case_insensitively()
    {
        Set(_prefix + "DB_PASSWORD", Canary);
        Set(_prefix.ToLowerInvariant() + "LOWER_PREFIX", "lower");
        Set("SCLT_OTHER_" + Guid.NewGuid().ToString("N"), "not listed");
        await using var provider = Create(_prefix);

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("env://DB_PASSWORD"));
        using var lower = await provider.GetSecretAsync(SecretReference.Parse("env://LOWER_PREFIX"));
        var listed = await provider.ListSecretsAsync().Select(p => p.Name).ToListAsync();

        Assert.Equal(Canary, secret.Value.ExposeAsString());
        Assert.Equal("lower", lower.Value.ExposeAsString());
        Assert.Equal(["DB_PASSWORD", "LOWER_PREFIX"], listed);
        Assert.Equal(_prefix, provider.Prefix);
    }

    [Fact]
    public async Task Lists_by_prefix_sorted()
    {
        Set(_prefix + "B", "2");
        Set(_prefix + "A", "1");
        Set(_prefix + "C_X", "3");
        await using var provider = Create();

        var listed = await provider.ListSecretsAsync(_prefix).Select(p => p.Name).ToListAsync();

        Assert.Equal([_prefix + "A", _prefix + "B", _prefix + "C_X"], listed);
    }

    [Fact]
    public async Task Missing_variable_is_SecretNotFoundException_naming_the_full_variable()
    {
        await using var provider = Create(_prefix);

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("env://MISSING")).AsTask());

        Assert.Equal("MISSING", error.SecretName);
        Assert.Contains(_prefix + "MISSING", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_that_cannot_be_variables_are_invalid_references()
    {
        await using var provider = Create();

        await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => provider.GetSecretAsync(new SecretReference("env", "A=B")).AsTask());
    }

    [Fact]
    public async Task Version_follows_the_value()
    {
        var name = _prefix + "ROTATING";
        Set(name, "one");
        await using var provider = Create();
        var reference = new SecretReference("env", name);
        var first = (await provider.GetPropertiesAsync(reference)).Version;

        Assert.Equal(first, (await provider.GetPropertiesAsync(reference)).Version);
        Set(name, "two");
        using var secret = await provider.GetSecretAsync(reference);

        Assert.NotEqual(first, secret.Properties.Version);
        Assert.Equal("two", secret.Value.ExposeAsString());
        Assert.Equal(secret.Properties.Version, (await provider.GetPropertiesAsync(reference)).Version);
    }

    [Fact]
    public void ToString_names_the_prefix_only()
    {
        var provider = Create(_prefix);

        Assert.Equal($"EnvironmentVariablesSecretProvider(env, Prefix = '{_prefix}')", provider.ToString());
        Assert.Contains(_prefix, new EnvironmentVariablesSecretProviderOptions { Prefix = _prefix }.ToString(), StringComparison.Ordinal);
    }

    private EnvironmentVariablesSecretProvider Create(string? prefix = null) =>
        new(new EnvironmentVariablesSecretProviderOptions { Prefix = prefix, Environment = ProviderReader.Development });

    private void Set(string name, string value)
    {
        _set.Add(name);
        Environment.SetEnvironmentVariable(name, value);
    }
}

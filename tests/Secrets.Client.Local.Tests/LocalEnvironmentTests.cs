namespace Secrets.Client.Local.Tests;

/// <summary>The Production guard every local provider applies when constructed.</summary>
public sealed class LocalEnvironmentTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public static TheoryData<string> ProviderKinds() => ["dotenv", "env", "files"];

    public void Dispose() => _directory.Dispose();

    [Theory]
    [MemberData(nameof(ProviderKinds))]
    public void Refuses_Production_without_opt_in(string kind)
    {
        var error = Assert.Throws<SecretEnvironmentScopeException>(() => Create(kind, "Production", allow: false));

        Assert.Contains($"'{kind}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Production'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowInProduction", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ProviderKinds))]
    public void Environment_names_compare_case_insensitively(string kind) =>
        Assert.Throws<SecretEnvironmentScopeException>(() => Create(kind, " production ", allow: false));

    [Theory]
    [MemberData(nameof(ProviderKinds))]
    public async Task Runs_in_Production_when_allowed(string kind)
    {
        await using var provider = Create(kind, "Production", allow: true);

        Assert.Equal(kind, provider.Name);
    }

    [Theory]
    [MemberData(nameof(ProviderKinds))]
    public async Task Runs_in_other_environments(string kind)
    {
        await using var development = Create(kind, "Development", allow: false);
        await using var staging = Create(kind, "Staging", allow: false);

        Assert.Equal(kind, staging.Name);
    }

    [Theory]
    [MemberData(nameof(ProviderKinds))]
    public async Task A_hand_built_store_in_Production_refuses_a_provider_built_for_Development(string kind)
    {
        await using var provider = Create(kind, "Development", allow: false);

        var error = Assert.Throws<SecretEnvironmentScopeException>(() => new SecretStore([provider], new SecretStoreOptions { Environment = "Production" }));

        Assert.Contains($"'{kind}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Production'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Development'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ProviderKinds))]
    public async Task A_hand_built_store_in_Production_takes_a_development_source_that_allows_it(string kind)
    {
        await using var store = new SecretStore([Create(kind, "Development", allow: true)], new SecretStoreOptions { Environment = "Production" });

        Assert.Equal(kind, Assert.Single(store.Providers).Name);
    }

    [Theory]
    [MemberData(nameof(ProviderKinds))]
    public async Task A_hand_built_store_in_Development_takes_a_development_source(string kind)
    {
        await using var store = new SecretStore([Create(kind, "Development", allow: false)], new SecretStoreOptions { Environment = "Development" });

        Assert.Equal(kind, Assert.Single(store.Providers).Name);
    }

    private SecretProvider Create(string kind, string environment, bool allow) => kind switch
    {
        "dotenv" => new DotEnvSecretProvider(new DotEnvSecretProviderOptions { Path = Path.Combine(_directory.Path, ".env"), Environment = environment, AllowInProduction = allow }),
        "env" => new EnvironmentVariablesSecretProvider(new EnvironmentVariablesSecretProviderOptions { Environment = environment, AllowInProduction = allow }),
        _ => new KeyPerFileSecretProvider(new KeyPerFileSecretProviderOptions { DirectoryPath = _directory.Path, Environment = environment, AllowInProduction = allow }),
    };
}

namespace Secrets.Client.Local.Tests;

[CollectionDefinition(nameof(ProcessEnvironmentGroup), DisableParallelization = true)]
public sealed class ProcessEnvironmentGroup;

/// <summary>
/// When the options name no environment, the hosting variables decide, and Production is the default. These tests
/// change process-wide variables, so they run alone; every other test names its environment explicitly.
/// </summary>
[Collection(nameof(ProcessEnvironmentGroup))]
public sealed class LocalEnvironmentDefaultTests
{
    [Theory]
    [InlineData(null, null, true)] // nothing set: Production, the hosting default
    [InlineData("Development", null, false)]
    [InlineData(null, "Development", false)]
    [InlineData("Production", null, true)]
    [InlineData(null, "Production", true)]
    [InlineData("Development", "Production", true)] // a generic host would be in Production
    [InlineData("Production", "Development", true)] // a web host would be in Production
    [InlineData("Staging", "Development", false)]
    [InlineData("  ", null, true)]
    public void Hosting_variables_decide_when_no_environment_is_configured(string? aspNetCore, string? dotNet, bool refused)
    {
        var savedAspNetCore = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT");
        var savedDotNet = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT");
        try
        {
            Environment.SetEnvironmentVariable("ASPNETCORE_ENVIRONMENT", aspNetCore);
            Environment.SetEnvironmentVariable("DOTNET_ENVIRONMENT", dotNet);

            var error = Record.Exception(() => new EnvironmentVariablesSecretProvider(new EnvironmentVariablesSecretProviderOptions()));

            if (refused)
            {
                Assert.IsType<SecretEnvironmentScopeException>(error);
            }
            else
            {
                Assert.Null(error);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("ASPNETCORE_ENVIRONMENT", savedAspNetCore);
            Environment.SetEnvironmentVariable("DOTNET_ENVIRONMENT", savedDotNet);
        }
    }

    [Fact]
    public void A_configured_environment_wins_over_the_variables()
    {
        var saved = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT");
        try
        {
            Environment.SetEnvironmentVariable("DOTNET_ENVIRONMENT", "Development");
            Assert.Throws<SecretEnvironmentScopeException>(() => new EnvironmentVariablesSecretProvider(new EnvironmentVariablesSecretProviderOptions { Environment = "Production" }));
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOTNET_ENVIRONMENT", saved);
        }
    }
}

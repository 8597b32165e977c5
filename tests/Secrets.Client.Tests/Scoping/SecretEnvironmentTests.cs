namespace Secrets.Client.Tests.Scoping;

public class SecretEnvironmentTests
{
    [Theory]
    [InlineData(" Staging ", "Staging")]
    [InlineData("Development", "Development")]
    public void A_configured_environment_wins_and_is_trimmed(string configured, string expected)
    {
        Assert.Equal(expected, SecretEnvironment.Resolve(configured));
    }

    [Theory]
    [InlineData("production", true)]
    [InlineData(" Production ", true)]
    [InlineData("Prod", false)]
    [InlineData(null, false)]
    public void IsProduction_ignores_case_and_spaces(string? name, bool expected)
    {
        Assert.Equal(expected, SecretEnvironment.IsProduction(name));
    }
}

namespace Secrets.Client.Local.Tests;

public sealed class DotEnvExpansionTests
{
    [Theory]
    [InlineData("A=x\nK=${A}", "x")]
    [InlineData("A=x\nK=$A", "x")]
    [InlineData("A=x\nK=[$A.$A]", "[x.x]")]
    [InlineData("K=${UNSET_EXPANSION_TEST:-d}", "d")]
    [InlineData("K=${UNSET_EXPANSION_TEST-d}", "d")]
    [InlineData("A=\nK=${A-d}", "d")] // empty counts as unset, as in dotenv-expand
    [InlineData("A=x\nK=${A:+alt}", "alt")]
    [InlineData("K=${UNSET_EXPANSION_TEST:+alt}", "")]
    [InlineData("A=x\nK=${UNSET_EXPANSION_TEST:-${A}}", "x")] // nested default
    [InlineData("A=x\nK=\\$A", "$A")] // escaped dollar
    [InlineData("A=x\nK=\\${A}", "${A}")]
    [InlineData("K=${UNTERMINATED", "${UNTERMINATED")]
    [InlineData("K=${}", "${}")]
    [InlineData("K=cost$", "cost$")]
    [InlineData("K=$1", "$1")]
    [InlineData("K=${LATER}\nLATER=x", "")] // only earlier keys are visible
    [InlineData("A=$B\nB=x\nK=[$A]", "[]")]
    public async Task Expansion_rules(string document, string expected)
    {
        var parsed = await ProviderReader.ParseAsync(document, expand: true);

        Assert.Equal(expected, parsed["K"]);
    }

    [Fact]
    public async Task Substituted_values_are_not_expanded_again()
    {
        // dotenv-expand would re-scan the result and expand $A here; we insert substituted text verbatim.
        var parsed = await ProviderReader.ParseAsync("A=x\nB=\\$A\nK=$B", expand: true);

        Assert.Equal("$A", parsed["K"]);
    }

    [Fact]
    public async Task Process_environment_is_used_after_earlier_keys()
    {
        var name = "SECRETS_LOCAL_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "from-environment");
        try
        {
            var fromEnvironment = await ProviderReader.ParseAsync($"K=${{{name}}}", expand: true);
            var shadowed = await ProviderReader.ParseAsync($"{name}=from-file\nK=${{{name}}}", expand: true);

            Assert.Equal("from-environment", fromEnvironment["K"]);
            Assert.Equal("from-file", shadowed["K"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public async Task Expansion_is_off_by_default()
    {
        var parsed = await ProviderReader.ParseAsync("A=x\nK=${A}$A\\$A");

        Assert.Equal("${A}$A\\$A", parsed["K"]);
    }

    [Fact]
    public async Task Expanded_values_can_be_longer_than_the_file()
    {
        var document = "A=0123456789\nB=$A$A$A$A$A$A$A$A$A$A\nK=$B$B$B$B$B$B$B$B$B$B";

        var parsed = await ProviderReader.ParseAsync(document, expand: true);

        Assert.Equal(string.Concat(Enumerable.Repeat("0123456789", 100)), parsed["K"]);
    }
}

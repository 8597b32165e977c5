using System.Text;

namespace Secrets.Client.Local.Tests;

/// <summary>
/// The inputs that used to take the process down or take seconds (issue #11) now give a typed error or the right
/// answer: expansion is iterative, bounded in depth and output, and linear in its input.
/// </summary>
public sealed class DotEnvExpansionBoundsTests
{
    [Fact]
    public async Task Defaults_nested_thousands_deep_are_refused_with_a_syntax_error_not_a_stack_overflow()
    {
        var document = "A=\nK=" + Repeat("${A:-", 4_000) + "x" + Repeat("}", 4_000);

        var error = await Assert.ThrowsAsync<DotEnvSyntaxException>(() => ProviderReader.ParseAsync(document, expand: true));

        Assert.Equal(2, error.LineNumber);
        Assert.Contains("'K'", error.Message, StringComparison.Ordinal);
        Assert.Contains("deep", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Strict = false", error.Message, StringComparison.Ordinal); // lenient parsing would not help
    }

    [Fact]
    public async Task Defaults_nested_to_the_limit_still_expand()
    {
        var depth = DotEnvExpander.MaxNestingDepth;
        var document = "A=\nK=" + Repeat("${A:-", depth) + "x" + Repeat("}", depth);

        var parsed = await ProviderReader.ParseAsync(document, expand: true);

        Assert.Equal("x", parsed["K"]);
    }

    [Fact]
    public async Task A_key_doubled_over_and_over_is_refused_before_it_overflows()
    {
        // 32 keys, each twice the one before: 2^32 bytes, past int.MaxValue (the 631-byte crasher of the issue).
        var document = new StringBuilder("A0=xx\n");
        for (var i = 1; i < 32; i++)
        {
            document.Append('A').Append(i).Append("=${A").Append(i - 1).Append("}${A").Append(i - 1).Append("}\n");
        }

        var error = await Assert.ThrowsAsync<DotEnvSyntaxException>(() => ProviderReader.ParseAsync(document.ToString(), expand: true));

        Assert.Contains("longer than", error.Message, StringComparison.Ordinal);
        Assert.InRange(error.LineNumber, 2, 32);
    }

    [Fact]
    public async Task Growth_up_to_the_bound_is_served()
    {
        // 2^19 bytes from a short file: under the one-mebibyte growth bound.
        var document = new StringBuilder("A0=x\n");
        for (var i = 1; i <= 19; i++)
        {
            document.Append('A').Append(i).Append("=$A").Append(i - 1).Append("$A").Append(i - 1).Append('\n');
        }

        var parsed = await ProviderReader.ParseAsync(document.ToString(), expand: true);

        Assert.Equal(1 << 19, parsed["A19"].Length);
        Assert.All(parsed["A19"], c => Assert.Equal('x', c));
    }

    [Fact]
    public async Task Unclosed_braces_repeated_a_hundred_thousand_times_are_kept_as_text()
    {
        var value = Repeat("${", 100_000);

        var parsed = await ProviderReader.ParseAsync("K=" + value, expand: true);

        Assert.Equal(value, parsed["K"]);
    }

    [Theory]
    [InlineData("A=a\nK=${A${B-x}}", "x}")] // the operator is found inside a nested ${, as dotenv-expand's split does
    [InlineData("A=a\nK=${UNSET_BOUNDS_TEST:-${A}${A:+[$A]}}", "a[a]")]
    [InlineData("K=${UNSET_BOUNDS_TEST:-{}", "${UNSET_BOUNDS_TEST:-{}")] // a bare brace pairs nothing
    [InlineData("K=${A:-\\${B}}", "${A:-${B}}")] // \$ then a bare brace: the outer ${ is not closed
    [InlineData("K=${}${UNSET_BOUNDS_TEST}", "${}")]
    [InlineData("A=a\nK=${A:+${A:+${A:+y}}}z", "yz")]
    public async Task Nested_and_unbalanced_braces_expand_as_before(string document, string expected)
    {
        var parsed = await ProviderReader.ParseAsync(document, expand: true);

        Assert.Equal(expected, parsed["K"]);
    }

    private static string Repeat(string text, int count) => new StringBuilder(text.Length * count).Insert(0, text, count).ToString();
}

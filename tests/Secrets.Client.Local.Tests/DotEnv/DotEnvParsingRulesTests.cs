namespace Secrets.Client.Local.Tests;

/// <summary>One test per documented parsing rule (docs/local-sources.md), through the provider's public API.</summary>
public sealed class DotEnvParsingRulesTests
{
    [Theory]
    [InlineData("K=v", "v")] // plain
    [InlineData("K = v", "v")] // spaces around '='
    [InlineData("  K=v", "v")] // indented key
    [InlineData("K=  v  ", "v")] // unquoted values are trimmed
    [InlineData("K=a b  c", "a b  c")] // inner whitespace kept
    [InlineData("export K=v", "v")] // export prefix
    [InlineData("export   K = v", "v")]
    [InlineData("K: v", "v")] // YAML-ish colon form needs whitespace after ':'
    [InlineData("K=", "")] // empty
    [InlineData("K=v # comment", "v")] // inline comment after an unquoted value
    [InlineData("K=v#comment", "v")] // even without a space
    [InlineData("K=#comment", "")]
    [InlineData("K='v # not a comment'", "v # not a comment")] // quotes protect '#'
    [InlineData("K=\"v\" # comment", "v")] // comment after a quoted value
    [InlineData("K='  keep  '", "  keep  ")] // quoted values keep their spaces
    [InlineData("K='a\\nb'", "a\\nb")] // \n stays literal in single quotes
    [InlineData("K=`a\\nb`", "a\\nb")] // and in backticks
    [InlineData("K=a\\nb", "a\\nb")] // and unquoted
    [InlineData("K=\"a\\nb\"", "a\nb")] // \n expands in double quotes
    [InlineData("K=\"a\\rb\"", "a\rb")] // \r too
    [InlineData("K=\"a\\tb\"", "a\\tb")] // no other escape is processed
    [InlineData("K=\"say \\\"hi\\\"\"", "say \\\"hi\\\"")] // \" keeps the quote (and the backslash)
    [InlineData("K='it\\'s'", "it\\'s")]
    [InlineData("K=`a 'b' \"c\"`", "a 'b' \"c\"")] // backticks hold both other quotes
    [InlineData("K=\"line1\nline2\"", "line1\nline2")] // multi-line double quotes
    [InlineData("K='line1\nline2'", "line1\nline2")] // multi-line single quotes
    [InlineData("K=\"a\r\nb\"", "a\nb")] // CRLF inside quotes becomes LF
    [InlineData("K=\"unclosed", "\"unclosed")] // lenient: an unclosed quote is taken literally
    [InlineData("K=\"a\" b", "\"a\" b")] // lenient: text after the closing quote makes it unquoted
    [InlineData("K=ab\"cd", "ab\"cd")] // a quote inside an unquoted value is kept
    [InlineData("K=\u00a0v\u00a0", "v")] // Unicode whitespace is trimmed like JavaScript's trim()
    [InlineData("\ufeffK=v", "v")] // a byte order mark is whitespace
    [InlineData("K=caf\u00e9 \U0001F511", "caf\u00e9 \U0001F511")] // UTF-8 values
    [InlineData("K=\n\"next line\"", "next line")] // dotenv quirk: a quoted value may start on the next line
    [InlineData("K:\nnext", "next")] // dotenv quirk: the whitespace after ':' may be a line break
    public async Task Value_rules(string document, string expected)
    {
        var parsed = await ProviderReader.ParseAsync(document, strict: false);

        Assert.Equal(expected, Assert.Contains("K", parsed));
    }

    [Theory]
    [InlineData("a.b=1", "a.b")]
    [InlineData("a-b=1", "a-b")]
    [InlineData("_a=1", "_a")]
    [InlineData("1a=1", "1a")]
    [InlineData("Feature__Enabled=1", "Feature__Enabled")] // names are kept as they are; configuration maps __ and --
    [InlineData("Logging--Level=1", "Logging--Level")]
    public async Task Key_characters(string document, string key)
    {
        var parsed = await ProviderReader.ParseAsync(document);

        Assert.Equal([key], parsed.Keys);
    }

    [Theory]
    [InlineData("KEY value")]
    [InlineData("KEY:value")] // ':' needs whitespace after it
    [InlineData("KEY WITH SPACES=1")]
    [InlineData("Ä=1")] // keys are ASCII
    [InlineData("export KEY")]
    public async Task Lines_dotenv_skips_are_skipped_when_lenient(string line)
    {
        var parsed = await ProviderReader.ParseAsync("BEFORE=1\n" + line + "\nAFTER=2", strict: false);

        Assert.Equal(["AFTER", "BEFORE"], parsed.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Last_duplicate_wins()
    {
        var parsed = await ProviderReader.ParseAsync("K=1\nOTHER=x\nK=2\nK=3");

        Assert.Equal("3", parsed["K"]);
    }

    [Fact]
    public async Task Keys_are_case_sensitive()
    {
        var parsed = await ProviderReader.ParseAsync("key=lower\nKEY=upper");

        Assert.Equal("lower", parsed["key"]);
        Assert.Equal("upper", parsed["KEY"]);
    }

    [Theory]
    [InlineData("A=1\r\nB=2\r\n")]
    [InlineData("A=1\rB=2\r")]
    [InlineData("A=1\nB=2")]
    public async Task Line_break_styles(string document)
    {
        var parsed = await ProviderReader.ParseAsync(document);

        Assert.Equal("1", parsed["A"]);
        Assert.Equal("2", parsed["B"]);
    }

    [Fact]
    public async Task Invalid_utf8_bytes_are_kept_as_they_are()
    {
        byte[] document = [(byte)'K', (byte)'=', 0xFF, 0xFE, (byte)'x'];
        using var directory = new TempDirectory();
        var path = directory.WriteBytes(".env", document);
        await using var provider = new DotEnvSecretProvider(new DotEnvSecretProviderOptions { Path = path, Environment = ProviderReader.Development });

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("dotenv://K"));

        Assert.Equal(new byte[] { 0xFF, 0xFE, (byte)'x' }, secret.Value.ExposeAsBytes());
    }
}

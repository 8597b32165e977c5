namespace Secrets.Client.Local.Tests;

/// <summary>
/// Judges our parser against the npm packages it claims to be compatible with: for every file of the corpus, node prints
/// what <c>dotenv.parse</c> (and <c>dotenv-expand</c>) return, and our provider must return exactly that map.
/// </summary>
public sealed class DotEnvJudgeTests
{
    /// <summary>Corpus files with lines dotenv silently skips, and the first line strict mode reports.</summary>
    private static readonly Dictionary<string, int> StrictFailures = new()
    {
        ["12-odd-keys.env"] = 7,
        ["14-quote-edge.env"] = 1,
    };

    public static TheoryData<string> CorpusFiles() => Files(RepositoryPaths.Corpus);

    public static TheoryData<string> ExpandCorpusFiles() => Files(RepositoryPaths.ExpandCorpus);

    [Fact]
    public void Corpus_is_large_enough()
    {
        Assert.True(Directory.GetFiles(RepositoryPaths.Corpus, "*.env").Length >= 15);
        Assert.True(Directory.GetFiles(RepositoryPaths.ExpandCorpus, "*.env").Length >= 5);
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public async Task Lenient_parse_matches_dotenv(string file)
    {
        var path = Path.Combine(RepositoryPaths.Corpus, file);
        var expected = await NodeJudge.RunAsync("parse.mjs", path);

        var actual = await ReadAsync(path, strict: false, expand: false);

        Assert.Equal(ProviderReader.Show(expected), ProviderReader.Show(actual));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public async Task Strict_parse_matches_dotenv_or_names_the_first_skipped_line(string file)
    {
        var path = Path.Combine(RepositoryPaths.Corpus, file);
        if (StrictFailures.TryGetValue(file, out var line))
        {
            var error = await Assert.ThrowsAsync<DotEnvSyntaxException>(() => ReadAsync(path, strict: true, expand: false));
            Assert.Equal(line, error.LineNumber);
            Assert.Equal(path, error.FilePath);
            return;
        }

        var expected = await NodeJudge.RunAsync("parse.mjs", path);
        var actual = await ReadAsync(path, strict: true, expand: false);
        Assert.Equal(ProviderReader.Show(expected), ProviderReader.Show(actual));
    }

    [Theory]
    [MemberData(nameof(ExpandCorpusFiles))]
    public async Task Expansion_matches_dotenv_expand(string file)
    {
        foreach (var (name, value) in NodeJudge.JudgeEnvironment)
        {
            // Constant values, so concurrent tests setting them agree.
            Environment.SetEnvironmentVariable(name, value);
        }

        var path = Path.Combine(RepositoryPaths.ExpandCorpus, file);
        var expected = await NodeJudge.RunAsync("expand.mjs", path);

        var actual = await ReadAsync(path, strict: false, expand: true);

        Assert.Equal(ProviderReader.Show(expected), ProviderReader.Show(actual));
    }

    [Theory]
    [MemberData(nameof(ExpandCorpusFiles))]
    public async Task Expansion_corpus_parses_like_dotenv_before_expansion(string file)
    {
        var path = Path.Combine(RepositoryPaths.ExpandCorpus, file);
        var expected = await NodeJudge.RunAsync("parse.mjs", path);

        var actual = await ReadAsync(path, strict: true, expand: false);

        Assert.Equal(ProviderReader.Show(expected), ProviderReader.Show(actual));
    }

    private static async Task<Dictionary<string, string>> ReadAsync(string path, bool strict, bool expand)
    {
        await using var provider = new DotEnvSecretProvider(new DotEnvSecretProviderOptions
        {
            Path = path,
            Strict = strict,
            Expand = expand,
            Environment = ProviderReader.Development,
        });
        return await ProviderReader.ReadAllAsync(provider);
    }

    private static TheoryData<string> Files(string directory)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(directory, "*.env").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add(file!);
        }

        return data;
    }
}

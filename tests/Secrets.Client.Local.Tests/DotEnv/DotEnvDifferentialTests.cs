using System.Text;

namespace Secrets.Client.Local.Tests;

/// <summary>
/// Generates many small .env documents from the characters the grammar cares about (quotes, backslashes, '#', '=', ':',
/// line breaks of every kind, Unicode whitespace) and checks that our parser and npm dotenv agree on every one.
/// </summary>
public sealed class DotEnvDifferentialTests
{
    private static readonly string[] Tokens =
    [
        "KEY", "A", "b.c", "d-e", "export", "export ", " ", "  ", "\t", "=", "=", " = ", ":", ": ", "'", "\"", "`", "\\", "\\'",
        "\\\"", "\\n", "\\r", "#", " #", "\n", "\n", "\r\n", "\r", "x", "val", "$V", "${A}", "\u00a0", "\u2028", "\u3000",
        "\ufeff", "é", "🔑", "_",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_documents_parse_like_dotenv(int seed)
    {
        var random = new Random(seed);
        using var directory = new TempDirectory();
        var files = new List<string>();
        for (var i = 0; i < 250; i++)
        {
            files.Add(directory.WriteBytes($"{i:D3}.env", Encoding.UTF8.GetBytes(Document(random))));
        }

        var expected = await NodeJudge.RunManyAsync("parse.mjs", files);

        for (var i = 0; i < files.Count; i++)
        {
            await using var provider = new DotEnvSecretProvider(new DotEnvSecretProviderOptions { Path = files[i], Strict = false, Environment = ProviderReader.Development });
            var actual = await ProviderReader.ReadAllAsync(provider);
            Assert.True(
                ProviderReader.Show(expected[i]) == ProviderReader.Show(actual),
                $"Document {System.Text.Json.JsonSerializer.Serialize(File.ReadAllText(files[i]))}: dotenv {ProviderReader.Show(expected[i])} but ours {ProviderReader.Show(actual)}");
        }
    }

    private static string Document(Random random)
    {
        var text = new StringBuilder();
        var lines = random.Next(1, 6);
        for (var line = 0; line < lines; line++)
        {
            // Mostly assignment-shaped lines, so that the value grammar gets exercised, plus free-form noise.
            if (random.Next(4) != 0)
            {
                text.Append(Pick(random, ["", " ", "export ", "\t"])).Append(Pick(random, ["KEY", "A", "b.c", "d-e", "_"]))
                    .Append(Pick(random, ["=", " = ", ": ", ":", "="]));
            }

            var tokens = random.Next(0, 8);
            for (var i = 0; i < tokens; i++)
            {
                text.Append(Pick(random, Tokens));
            }

            text.Append(Pick(random, ["\n", "\n", "\r\n", "\r", ""]));
        }

        return text.ToString();
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];
}

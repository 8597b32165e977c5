using System.Text;

namespace Secrets.Client.Tests.References;

/// <summary>
/// Property: for every reference that can exist, <c>Parse(ToString(r))</c> gives <c>r</c> back, with its environments,
/// and the text is a fixed point. Checked on references built from random parts and on random texts that parse.
/// </summary>
public sealed class SecretReferenceRoundTripTests
{
    // The characters the syntax gives a meaning to, whitespace the parser trims, and plain text.
    private const string Alphabet = ":/%?#&=,+-. \t\u00a0\u3000\u0085aZ2F3A%é🔑";

    [Theory]
    [InlineData(":%2F/")]
    [InlineData("g:/%2F2")]
    [InlineData("%20a")]
    [InlineData("a#b%20")]
    [InlineData("p://a?version=%25#f")]
    [InlineData("x?env=a%2Cb,c#%3A//")]
    [InlineData("a%E3%80%80")]
    [InlineData("%C3")]
    [InlineData("a\ud800%25")]
    public void Texts_from_the_issue_and_edge_cases_round_trip(string text)
    {
        var reference = SecretReference.Parse(text);

        AssertRoundTrips(reference);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_reference_built_from_random_parts_round_trips(int seed)
    {
        var random = new Random(seed);
        var checkedCount = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var provider = random.Next(3) == 0 ? null : Pick(random, ["aws-sm", "p", "g", "a.b+c-d"]);
            var withStage = random.Next(4) == 0;
            try
            {
                var reference = new SecretReference(
                    provider,
                    RandomText(random, 1, 8),
                    version: !withStage && random.Next(3) == 0 ? RandomText(random, 1, 4) : null,
                    stage: withStage ? RandomText(random, 1, 4) : null,
                    field: random.Next(2) == 0 ? RandomText(random, 1, 4) : null);
                AssertRoundTrips(reference);
                checkedCount++;
            }
            catch (InvalidSecretReferenceException)
            {
                // A part the constructor refuses (a whitespace-only path): not a reference, nothing to round-trip.
            }
        }

        Assert.True(checkedCount > 15_000, $"only {checkedCount} references were valid");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_random_text_that_parses_round_trips(int seed)
    {
        var random = new Random(seed);
        var parsed = 0;
        for (var i = 0; i < 50_000; i++)
        {
            var text = RandomText(random, 0, 14);
            if (random.Next(3) == 0)
            {
                text = Pick(random, ["p://", "g:/", ":", "env="]) + text;
            }

            if (SecretReference.TryParse(text, out var reference))
            {
                AssertRoundTrips(reference);
                parsed++;
            }
        }

        Assert.True(parsed > 10_000, $"only {parsed} texts parsed");
    }

    private static void AssertRoundTrips(SecretReference reference)
    {
        var text = reference.ToString();
        Assert.True(SecretReference.TryParse(text, out var again), $"'{text}' does not parse");
        Assert.Equal(reference, again);
        Assert.Equal(reference.Environments, again.Environments);
        Assert.Equal(text, again.ToString());
    }

    private static string RandomText(Random random, int min, int max)
    {
        var length = random.Next(min, max + 1);
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(random.Next(8) == 0 ? "env=" : Alphabet[random.Next(Alphabet.Length)].ToString());
        }

        return text.ToString();
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];
}

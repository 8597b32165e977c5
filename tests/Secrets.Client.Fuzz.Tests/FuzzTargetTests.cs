namespace Secrets.Client.Fuzz.Tests;

/// <summary>
/// A seconds-long run of every fuzz target in the suite: the seeds (valid documents and the crashers of issue #11), then
/// a fixed-seed mutation run of a bounded count. Any exception other than the parser's typed error, or a broken
/// round trip, fails the test with the input. The long runs are in docs/fuzzing.md; wall time is not judged here.
/// </summary>
public sealed class FuzzTargetTests
{
    public static TheoryData<string> Targets() => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Seeds_and_a_fixed_seed_mutation_run_throw_only_the_typed_error(string name)
    {
        var report = Run(FuzzTargets.Create(name), seed: 20261202, count: 1_500);

        Assert.True(report.FindingCount == 0, string.Join(Environment.NewLine, report.Findings));
        Assert.Equal(1_500 + FuzzTargets.Create(name).Seeds.Count, report.Inputs);
    }

    [Fact]
    public void Every_parser_has_a_target()
    {
        Assert.Equal(
            ["aws-response", "config-flatten", "dotenv", "gcp-response", "json-field", "keyvault-event", "reference", "vault-event", "vault-response"],
            FuzzTargets.Names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_engine_reports_an_untyped_exception_with_its_input()
    {
        var report = Run(new ThrowsOnBrace(), seed: 1, count: 500);

        Assert.NotEmpty(report.Findings);
        Assert.Equal(report.FindingCount, report.Findings.Count);
        Assert.All(report.Findings, finding =>
        {
            Assert.Equal(typeof(InvalidOperationException).FullName, finding.Kind);
            Assert.Contains((byte)'{', finding.Input);
        });
    }

    private static FuzzReport Run(FuzzTarget target, int seed, int count)
    {
        try
        {
            return new MutationFuzzer(target, seed, maxLength: 16 * 1024) { HangLimit = Timeout.InfiniteTimeSpan }.Run(count, keepFindings: 10_000);
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    /// <summary>A parser with a planted defect, to show that the engine finds one.</summary>
    private sealed class ThrowsOnBrace : FuzzTarget
    {
        public override string Name => "planted";

        public override string TypedError => nameof(FormatException);

        public override IReadOnlyList<byte[]> Seeds { get; } = [Utf8("abc")];

        public override IReadOnlyList<byte[]> Dictionary { get; } = Tokens("x", "{");

        public override void Run(ReadOnlySpan<byte> input)
        {
            try
            {
                if (input.Contains((byte)'{'))
                {
                    throw new InvalidOperationException("planted");
                }

                throw new FormatException("typed");
            }
            catch (FormatException)
            {
            }
        }
    }
}

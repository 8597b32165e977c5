namespace Secrets.Client.Fuzz;

/// <summary>What a run of one target did.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Inputs">How many inputs ran.</param>
/// <param name="Elapsed">The run's wall time.</param>
/// <param name="SlowestInput">The most CPU time one input took (the hang criterion).</param>
/// <param name="SlowestWall">The most wall time one input took, scheduling delays on a busy machine included.</param>
/// <param name="LargestInput">The size of the largest input, in bytes.</param>
/// <param name="FindingCount">How many inputs were findings.</param>
/// <param name="Findings">The first findings, with their inputs.</param>
internal sealed record FuzzReport(string Target, long Inputs, TimeSpan Elapsed, TimeSpan SlowestInput, TimeSpan SlowestWall, int LargestInput, long FindingCount, IReadOnlyList<FuzzFinding> Findings)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Target}: {Inputs:N0} inputs in {Elapsed.TotalSeconds:F1} s ({Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9):N0}/s), " +
        $"slowest input {SlowestInput.TotalMilliseconds:F1} ms CPU ({SlowestWall.TotalMilliseconds:F1} ms wall), largest {LargestInput:N0} B, {FindingCount} findings";
}

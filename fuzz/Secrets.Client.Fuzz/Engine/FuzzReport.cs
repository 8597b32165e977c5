namespace Secrets.Client.Fuzz;

/// <summary>What a run of one target did.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Inputs">How many inputs ran.</param>
/// <param name="Elapsed">The run's duration.</param>
/// <param name="SlowestInput">The longest time one input took.</param>
/// <param name="LargestInput">The size of the largest input, in bytes.</param>
/// <param name="Findings">The findings.</param>
internal sealed record FuzzReport(string Target, long Inputs, TimeSpan Elapsed, TimeSpan SlowestInput, int LargestInput, IReadOnlyList<FuzzFinding> Findings)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Target}: {Inputs:N0} inputs in {Elapsed.TotalSeconds:F1} s ({Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9):N0}/s), " +
        $"slowest {SlowestInput.TotalMilliseconds:F1} ms, largest {LargestInput:N0} B, {Findings.Count} findings";
}

namespace Secrets.Client.Fuzz;

/// <summary>An input that threw something other than the target's typed error, or took longer than the hang limit.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Kind">The exception type, or <c>hang</c>.</param>
/// <param name="Detail">The exception's message, or the time taken.</param>
/// <param name="Input">The input.</param>
internal sealed record FuzzFinding(string Target, string Kind, string Detail, byte[] Input)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Target}: {Kind}: {Detail} (input, base64: {Convert.ToBase64String(Input)})";
}

namespace Secrets.Client.Fuzz.Targets;

/// <summary>A <c>#field</c> read of a JSON object secret: only <see cref="SecretFormatException"/> may come out.</summary>
internal sealed class JsonFieldTarget : FuzzTarget
{
    public override string Name => "json-field";

    public override string TypedError => nameof(SecretFormatException);

    public override IReadOnlyList<byte[]> Seeds { get; } = JsonSeeds.All;

    public override IReadOnlyList<byte[]> Dictionary { get; } = JsonSeeds.Tokens;

    public override void Run(ReadOnlySpan<byte> input)
    {
        _ = JsonSecretReader.IsJsonObject(input);
        try
        {
            using var value = JsonSecretReader.ExtractField(input, "password");
        }
        catch (SecretFormatException)
        {
        }
    }
}

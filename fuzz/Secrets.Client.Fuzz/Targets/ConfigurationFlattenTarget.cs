namespace Secrets.Client.Fuzz.Targets;

/// <summary>
/// Configuration's JSON flattening as <c>SecretsConfigurationProvider</c> does it (check, flatten, every leaf turned into a
/// string): only <see cref="SecretFormatException"/> may come out.
/// </summary>
internal sealed class ConfigurationFlattenTarget : FuzzTarget
{
    public override string Name => "config-flatten";

    public override string TypedError => nameof(SecretFormatException);

    public override IReadOnlyList<byte[]> Seeds { get; } = JsonSeeds.All;

    public override IReadOnlyList<byte[]> Dictionary { get; } = JsonSeeds.Tokens;

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (!JsonSecretReader.IsJsonObject(input))
        {
            return;
        }

        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        try
        {
            JsonSecretReader.Flatten(input, data, static (path, value, data) =>
            {
                using (value)
                {
                    data["key:" + path] = value.ExposeAsString();
                }
            });
        }
        catch (SecretFormatException)
        {
        }
    }
}

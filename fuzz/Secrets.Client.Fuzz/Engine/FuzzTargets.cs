using Secrets.Client.Fuzz.Targets;

namespace Secrets.Client.Fuzz;

/// <summary>Every fuzz target, by name.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } =
        ["reference", "dotenv", "json-field", "config-flatten", "aws-response", "gcp-response", "vault-response", "keyvault-event", "vault-event"];

    /// <summary>Creates the target named <paramref name="name"/>; the caller disposes it when it is disposable.</summary>
    public static FuzzTarget Create(string name) => name switch
    {
        "reference" => new ReferenceTarget(),
        "dotenv" => new DotEnvTarget(),
        "json-field" => new JsonFieldTarget(),
        "config-flatten" => new ConfigurationFlattenTarget(),
        "aws-response" => new AwsResponseTarget(),
        "gcp-response" => new GcpResponseTarget(),
        "vault-response" => new VaultResponseTarget(),
        "keyvault-event" => new KeyVaultEventTarget(),
        "vault-event" => new VaultEventTarget(),
        _ => throw new ArgumentException($"Unknown target '{name}'. Known: {string.Join(", ", Names)}.", nameof(name)),
    };
}

using System.Diagnostics;
using System.Text.Json.Serialization;

namespace Secrets.Client;

/// <summary>A secret's value together with its <see cref="SecretProperties"/>.</summary>
/// <remarks>
/// A secret returned by an <see cref="ISecretStore"/> is shared and owned by the store: read it through
/// <see cref="Value"/> and do not hold on to it; ask the store again (a cached read costs no allocation).
/// Disposing it does nothing. A secret you get straight from a <see cref="SecretProvider"/> is yours to dispose.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
[JsonConverter(typeof(RedactedJsonConverter<Secret>))]
public sealed class Secret : IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="Secret"/> class, taking ownership of <paramref name="value"/>.</summary>
    /// <param name="properties">The secret's metadata.</param>
    /// <param name="value">The secret's value.</param>
    public Secret(SecretProperties properties, SecretValue value)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(value);
        Properties = properties;
        Value = value;
    }

    /// <summary>Gets the secret's metadata.</summary>
    public SecretProperties Properties { get; }

    /// <summary>Gets the secret's value.</summary>
    public SecretValue Value { get; }

    /// <summary>Gets the secret's name; shorthand for <c>Properties.Name</c>.</summary>
    public string Name => Properties.Name;

    /// <summary>Returns the provider, name and version, and <c>[REDACTED]</c> for the value.</summary>
    /// <returns>A description that never contains the value.</returns>
    public override string ToString() => $"{Properties} = {SecretValue.Redacted}";

    /// <summary>Releases the value if the caller owns it; does nothing for a secret owned by a store.</summary>
    public void Dispose() => Value.Dispose();
}

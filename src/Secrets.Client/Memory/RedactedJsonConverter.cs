using System.Text.Json;
using System.Text.Json.Serialization;

namespace Secrets.Client;

/// <summary>Writes <c>"[REDACTED]"</c> for any secret-bearing type and refuses to read one back.</summary>
/// <typeparam name="T">The secret-bearing type.</typeparam>
internal sealed class RedactedJsonConverter<T> : JsonConverter<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new JsonException($"A {typeof(T).Name} cannot be deserialized; secrets come from a secret store.");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(SecretValue.Redacted);
}

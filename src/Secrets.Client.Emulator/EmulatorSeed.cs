using System.Text.Json;

namespace Secrets.Client.Emulator;

/// <summary>
/// The <c>--seed FILE</c> format (docs/emulators.md): <c>{"secrets": [{"name", "value" | "binary" | "data" |
/// "versions": [{"value" | "binary" | "data", "stages"}], "tags", "description"}]}</c>. The last version is current.
/// </summary>
internal sealed class EmulatorSeed
{
    public required IReadOnlyList<SeedSecret> Secrets { get; init; }

    public static EmulatorSeed Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        if (!document.RootElement.TryGetProperty("secrets", out var secrets) || secrets.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"Seed file '{path}': the top level must be an object with a \"secrets\" array.");
        }

        var result = new List<SeedSecret>();
        foreach (var secret in secrets.EnumerateArray())
        {
            var name = secret.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw new FormatException($"Seed file '{path}': secret #{result.Count + 1} has no \"name\".");
            var versions = secret.TryGetProperty("versions", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(v => ReadVersion(path, name, v)).ToList()
                : [ReadVersion(path, name, secret)];
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            if (secret.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object)
            {
                foreach (var tag in t.EnumerateObject())
                {
                    tags[tag.Name] = tag.Value.ToString();
                }
            }

            var description = secret.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            result.Add(new SeedSecret(name, versions, tags, description));
        }

        return new EmulatorSeed { Secrets = result };
    }

    private static SeedVersion ReadVersion(string path, string name, JsonElement element)
    {
        var stages = element.TryGetProperty("stages", out var s) && s.ValueKind == JsonValueKind.Array
            ? s.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToArray()
            : [];
        if (element.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String)
        {
            return new SeedVersion(value.GetString(), null, null, stages);
        }

        if (element.TryGetProperty("binary", out var binary) && binary.ValueKind == JsonValueKind.String)
        {
            return new SeedVersion(null, binary.GetBytesFromBase64(), null, stages);
        }

        if (element.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
        {
            return new SeedVersion(null, null, data.GetRawText(), stages);
        }

        throw new FormatException($"Seed file '{path}': a version of secret '{name}' needs \"value\" (text), \"binary\" (base64) or \"data\" (a JSON object).");
    }
}

/// <summary>One seeded secret.</summary>
internal sealed record SeedSecret(string Name, IReadOnlyList<SeedVersion> Versions, IReadOnlyDictionary<string, string> Tags, string? Description);

/// <summary>One seeded version: text, bytes, or a JSON object (Vault's KV data; the others store it as text).</summary>
internal sealed record SeedVersion(string? Text, byte[]? Binary, string? DataJson, IReadOnlyList<string> Stages)
{
    /// <summary>Gets the version as text: the text itself, the JSON object, or the bytes as UTF-8.</summary>
    public string AsText() => Text ?? DataJson ?? System.Text.Encoding.UTF8.GetString(Binary!);
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static Secrets.Client.Testing.OnePasswordConnectEmulator;

namespace Secrets.Client.Testing;

/// <summary>Builds Connect's JSON answers from the emulator's state; called under the emulator's lock.</summary>
internal static class OnePasswordConnectResponses
{
    public static (int Status, byte[] Body) Answer(List<VaultState> vaults, string[] segments, string filter)
    {
        if (segments.Length == 0)
        {
            var title = FilterValue(filter, "name", "eq") ?? FilterValue(filter, "title", "eq");
            return Ok(writer => WriteArray(writer, vaults.Where(v => title is null || v.Name == title), WriteVault));
        }

        var vault = vaults.FirstOrDefault(v => v.Id == segments[0]);
        if (vault is null)
        {
            return IsId(segments[0]) ? Error(404, "Vault not found") : Error(400, "Invalid Vault UUID");
        }

        if (segments.Length == 1)
        {
            return Ok(writer => WriteVault(writer, vault));
        }

        if (segments[1] != "items")
        {
            return Error(404, "Not found");
        }

        if (segments.Length == 2)
        {
            var equals = FilterValue(filter, "title", "eq");
            var contains = FilterValue(filter, "title", "co");
            var items = vault.Items.Where(i => (equals is null || i.Title == equals) && (contains is null || i.Title.Contains(contains, StringComparison.Ordinal)));
            return Ok(writer => WriteArray(writer, items, (w, i) => WriteItem(w, vault, i, full: false)));
        }

        var item = vault.Items.FirstOrDefault(i => i.Id == segments[2]);
        if (item is null)
        {
            return IsId(segments[2]) ? Error(404, "Item not found") : Error(400, "Invalid Item UUID");
        }

        if (segments.Length == 3)
        {
            return Ok(writer => WriteItem(writer, vault, item, full: true));
        }

        if (segments[3] != "files")
        {
            return Error(404, "Not found");
        }

        if (segments.Length == 4)
        {
            return Ok(writer => WriteArray(writer, item.Files, (w, f) => WriteFile(w, vault, item, f)));
        }

        var file = item.Files.FirstOrDefault(f => f.Id == segments[4]);
        if (file.Id is null)
        {
            return Error(404, "File not found");
        }

        return segments.Length == 5 ? Ok(writer => WriteFile(writer, vault, item, file))
            : segments is [_, _, _, _, _, "content"] ? (200, file.File.Content.ToArray())
            : Error(404, "Not found");
    }

    internal static string SectionId(string label) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(label)))[..26];

    private static bool IsId(string text) => text.Length == 26 && text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));

    /// <summary>Reads <c>field op "value"</c> (the SCIM-like filter Connect accepts).</summary>
    private static string? FilterValue(string filter, string field, string op)
    {
        var prefix = $"{field} {op} \"";
        return filter.StartsWith(prefix, StringComparison.Ordinal) && filter.EndsWith('"') ? filter[prefix.Length..^1] : null;
    }

    private static (int, byte[]) Error(int status, string message) => (status, JsonSerializer.SerializeToUtf8Bytes(new { status, message }));

    private static (int, byte[]) Ok(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return (200, stream.ToArray());
    }

    private static void WriteArray<T>(Utf8JsonWriter writer, IEnumerable<T> values, Action<Utf8JsonWriter, T> write)
    {
        writer.WriteStartArray();
        foreach (var value in values)
        {
            write(writer, value);
        }

        writer.WriteEndArray();
    }

    private static void WriteVault(Utf8JsonWriter writer, VaultState vault)
    {
        writer.WriteStartObject();
        writer.WriteString("id", vault.Id);
        writer.WriteString("name", vault.Name);
        writer.WriteString("description", string.Empty);
        writer.WriteNumber("attributeVersion", 1);
        writer.WriteNumber("contentVersion", vault.Items.Sum(i => i.Version));
        writer.WriteNumber("items", vault.Items.Count);
        writer.WriteString("type", "USER_CREATED");
        writer.WriteEndObject();
    }

    private static void WriteItem(Utf8JsonWriter writer, VaultState vault, ItemState item, bool full)
    {
        writer.WriteStartObject();
        writer.WriteString("id", item.Id);
        writer.WriteString("title", item.Title);
        writer.WriteStartObject("vault");
        writer.WriteString("id", vault.Id);
        writer.WriteEndObject();
        writer.WriteString("category", "LOGIN");
        writer.WriteNumber("version", item.Version);
        writer.WriteString("createdAt", item.UpdatedAt);
        writer.WriteString("updatedAt", item.UpdatedAt);
        if (full)
        {
            var sections = item.Fields.Select(f => f.Section).Concat(item.Files.Select(f => f.File.Section)).OfType<string>().Distinct(StringComparer.Ordinal);
            writer.WritePropertyName("sections");
            WriteArray(writer, sections, (w, label) =>
            {
                w.WriteStartObject();
                w.WriteString("id", SectionId(label));
                w.WriteString("label", label);
                w.WriteEndObject();
            });
            writer.WritePropertyName("fields");
            WriteArray(writer, item.Fields, WriteField);
            writer.WritePropertyName("files");
            WriteArray(writer, item.Files, (w, f) => WriteFile(w, vault, item, f));
        }

        writer.WriteEndObject();
    }

    private static void WriteField(Utf8JsonWriter writer, OnePasswordEmulatedField field)
    {
        writer.WriteStartObject();
        writer.WriteString("id", field.Id ?? field.Label.ToLowerInvariant());
        if (field.Section is not null)
        {
            writer.WriteStartObject("section");
            writer.WriteString("id", SectionId(field.Section));
            writer.WriteEndObject();
        }

        writer.WriteString("type", field.Type);
        if (field.Purpose is not null)
        {
            writer.WriteString("purpose", field.Purpose);
        }

        writer.WriteString("label", field.Label);
        writer.WriteString("value", field.Value);
        if (field.Totp is not null)
        {
            writer.WriteString("totp", field.Totp);
        }

        writer.WriteEndObject();
    }

    private static void WriteFile(Utf8JsonWriter writer, VaultState vault, ItemState item, (string Id, OnePasswordEmulatedFile File) file)
    {
        writer.WriteStartObject();
        writer.WriteString("id", file.Id);
        writer.WriteString("name", file.File.Name);
        writer.WriteNumber("size", file.File.Content.Length);
        writer.WriteString("content_path", $"/v1/vaults/{vault.Id}/items/{item.Id}/files/{file.Id}/content");
        if (file.File.Section is not null)
        {
            writer.WriteStartObject("section");
            writer.WriteString("id", SectionId(file.File.Section));
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}

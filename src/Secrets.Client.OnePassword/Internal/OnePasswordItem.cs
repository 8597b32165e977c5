using System.Text.Json;

namespace Secrets.Client.OnePassword;

/// <summary>
/// An item as <c>op item get --format json</c> and Connect's <c>GET /v1/vaults/{vault}/items/{item}</c> both describe
/// it (the same shape: fields with labels, ids, sections, types, purposes and values, and file attachments). Values are
/// parsed from the response bytes into secret memory; disposing wipes them.
/// </summary>
internal sealed class OnePasswordItem : IDisposable
{
    private OnePasswordItem(string id, string title, string vaultId, long version, DateTimeOffset? updatedAt, List<OnePasswordField> fields, List<OnePasswordFile> files)
    {
        Id = id;
        Title = title;
        VaultId = vaultId;
        Version = version;
        UpdatedAt = updatedAt;
        Fields = fields;
        Files = files;
    }

    public string Id { get; }

    public string Title { get; }

    public string VaultId { get; }

    public long Version { get; }

    public DateTimeOffset? UpdatedAt { get; }

    public IReadOnlyList<OnePasswordField> Fields { get; }

    public IReadOnlyList<OnePasswordFile> Files { get; }

    public static OnePasswordItem Parse(ReadOnlySpan<byte> json, string provider, string name)
    {
        var reader = new Utf8JsonReader(json);
        string id = string.Empty, title = string.Empty, vaultId = string.Empty;
        long version = 0;
        DateTimeOffset? updatedAt = null;
        var sections = new Dictionary<string, string?>(StringComparer.Ordinal);
        var fields = new List<OnePasswordField>();
        var files = new List<OnePasswordFile>();
        try
        {
            Expect(ref reader, JsonTokenType.StartObject);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.GetString();
                reader.Read();
                switch (property)
                {
                    case "id": id = reader.GetString() ?? string.Empty; break;
                    case "title": title = reader.GetString() ?? string.Empty; break;
                    case "version": version = reader.GetInt64(); break;
                    case "updatedAt" or "updated_at": updatedAt = reader.TryGetDateTimeOffset(out var at) ? at : null; break;
                    case "vault": vaultId = ReadObject(ref reader).GetValueOrDefault("id") ?? string.Empty; break;
                    case "sections":
                        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                        {
                            var section = ReadObject(ref reader, alreadyStarted: true);
                            if (section.GetValueOrDefault("id") is { } sectionId)
                            {
                                sections[sectionId] = section.GetValueOrDefault("label");
                            }
                        }

                        break;
                    case "fields":
                        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                        {
                            fields.Add(ReadField(ref reader));
                        }

                        break;
                    case "files":
                        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                        {
                            var file = ReadFile(ref reader);
                            files.Add(file);
                        }

                        break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            foreach (var field in fields)
            {
                field.Dispose();
            }

            throw new SecretFormatException(provider, name, "1Password's item JSON could not be read.");
        }

        // The CLI puts the section label on each field; Connect lists sections once. Fill in what is missing.
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i].SectionId is { } sectionId && fields[i].SectionLabel is null && sections.TryGetValue(sectionId, out var label))
            {
                fields[i] = fields[i] with { SectionLabel = label };
            }
        }

        for (var i = 0; i < files.Count; i++)
        {
            if (files[i].SectionId is { } sectionId && files[i].SectionLabel is null && sections.TryGetValue(sectionId, out var label))
            {
                files[i] = files[i] with { SectionLabel = label };
            }
        }

        return new OnePasswordItem(id, title, vaultId, version, updatedAt, fields, files);
    }

    public void Dispose()
    {
        foreach (var field in Fields)
        {
            field.Dispose();
        }
    }

    private static OnePasswordField ReadField(ref Utf8JsonReader reader)
    {
        string? id = null, label = null, type = null, purpose = null, sectionId = null, sectionLabel = null;
        SecretValue? value = null, totp = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            reader.Read();
            switch (property)
            {
                case "id": id = reader.GetString(); break;
                case "label": label = reader.GetString(); break;
                case "type": type = reader.GetString(); break;
                case "purpose": purpose = reader.GetString(); break;
                case "value" when reader.TokenType == JsonTokenType.String: value = ReadSecret(ref reader); break;
                case "totp" when reader.TokenType == JsonTokenType.String: totp = ReadSecret(ref reader); break;
                case "section" when reader.TokenType == JsonTokenType.StartObject:
                    var section = ReadObject(ref reader, alreadyStarted: true);
                    sectionId = section.GetValueOrDefault("id");
                    sectionLabel = section.GetValueOrDefault("label");
                    break;
                default: reader.Skip(); break;
            }
        }

        return new OnePasswordField(id ?? string.Empty, label, type, purpose, sectionId, sectionLabel, value, totp);
    }

    private static OnePasswordFile ReadFile(ref Utf8JsonReader reader)
    {
        string? id = null, name = null, sectionId = null, sectionLabel = null, contentPath = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            reader.Read();
            switch (property)
            {
                case "id": id = reader.GetString(); break;
                case "name": name = reader.GetString(); break;
                case "content_path": contentPath = reader.GetString(); break;
                case "section" when reader.TokenType == JsonTokenType.StartObject:
                    var section = ReadObject(ref reader, alreadyStarted: true);
                    sectionId = section.GetValueOrDefault("id");
                    sectionLabel = section.GetValueOrDefault("label");
                    break;
                default: reader.Skip(); break;
            }
        }

        return new OnePasswordFile(id ?? string.Empty, name ?? string.Empty, sectionId, sectionLabel, contentPath);
    }

    private static SecretValue ReadSecret(ref Utf8JsonReader reader)
    {
        var escaped = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        return SecretValue.Create(escaped, reader, static (destination, r) => r.CopyString(destination));
    }

    /// <summary>Reads an object of non-secret strings (a vault or section reference).</summary>
    private static Dictionary<string, string?> ReadObject(ref Utf8JsonReader reader, bool alreadyStarted = false)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (!alreadyStarted && reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return values;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                values[property] = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return values;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException("Unexpected JSON.");
        }
    }
}

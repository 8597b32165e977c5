using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Secrets.Client.OnePassword;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.OnePassword.Tests;

/// <summary>A copy of the <c>op</c> stand-in (StandIn/op) in a temporary directory, with the items it serves.</summary>
internal sealed class OpStandIn : CliStandIn
{
    public OpStandIn()
        : base("op")
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "items"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "reads"));
    }

    public bool SignedOut { set => Switch("signed-out", value); }

    public bool Hang { set => Switch("hang", value); }

    public OnePasswordSecretProviderOptions Options() => new()
    {
        Transport = OnePasswordTransport.Cli,
        ExecutablePath = Executable,
        Environment = "Development",
        CommandTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>Writes an item as <c>op item get --format json</c> prints it; values are given as UTF-8 bytes.</summary>
    public void SetItem(string vault, string title, int version, params (string? Section, string Label, byte[] Value)[] fields) =>
        SetItem(vault, title, version, fields, []);

    public void SetItem(string vault, string title, int version, (string? Section, string Label, byte[] Value)[] fields, (string Name, byte[] Content)[] files)
    {
        var vaultId = Id(vault);
        var itemId = Id(vault + "/" + title);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("id", itemId);
            writer.WriteString("title", title);
            writer.WriteNumber("version", version);
            writer.WriteStartObject("vault");
            writer.WriteString("id", vaultId);
            writer.WriteString("name", vault);
            writer.WriteEndObject();
            writer.WriteString("category", "LOGIN");
            writer.WriteString("updated_at", "2026-11-30T10:00:00Z");
            writer.WriteStartArray("fields");
            foreach (var (section, label, value) in fields)
            {
                writer.WriteStartObject();
                writer.WriteString("id", label.ToLowerInvariant());
                if (section is not null)
                {
                    writer.WriteStartObject("section");
                    writer.WriteString("id", Id(section));
                    writer.WriteString("label", section);
                    writer.WriteEndObject();
                }

                writer.WriteString("type", "CONCEALED");
                writer.WriteString("label", label);
                writer.WriteString("value", value);
                writer.WriteString("reference", $"op://{vault}/{title}/{(section is null ? string.Empty : section + "/")}{label}");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("files");
            foreach (var (name, content) in files)
            {
                var fileId = Id(title + "/" + name);
                writer.WriteStartObject();
                writer.WriteString("id", fileId);
                writer.WriteString("name", name);
                writer.WriteNumber("size", content.Length);
                writer.WriteString("content_path", $"/v1/vaults/{vaultId}/items/{itemId}/files/{fileId}/content");
                writer.WriteEndObject();
                File.WriteAllBytes(Path.Combine(Directory, "reads", ReadKey($"op://{vaultId}/{itemId}/{fileId}")), content);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var json = stream.ToArray();
        foreach (var (vaultKey, itemKey) in new[] { (vault, title), (vaultId, title), (vault, itemId), (vaultId, itemId) })
        {
            var folder = Path.Combine(Directory, "items", vaultKey.ToLowerInvariant());
            System.IO.Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, itemKey.ToLowerInvariant() + ".json"), json);
        }
    }

    /// <summary>A stable 26-character lower-case id, as 1Password's look.</summary>
    public static string Id(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..26];

    private static string ReadKey(string reference) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reference.ToLowerInvariant())));

}

namespace Secrets.Client.Testing;

/// <summary>One version of an emulated secret: its value and staging labels.</summary>
internal sealed class AwsEmulatedVersion
{
    public AwsEmulatedVersion(string versionId, string? text, byte[]? binary, DateTimeOffset created)
    {
        VersionId = versionId;
        Text = text;
        Binary = binary;
        CreatedDate = created;
    }

    public string VersionId { get; }

    public string? Text { get; }

    public byte[]? Binary { get; }

    public DateTimeOffset CreatedDate { get; }

    public DateTimeOffset? LastAccessedDate { get; set; }

    public List<string> Stages { get; } = [];

    public bool SameValue(string? text, byte[]? binary) =>
        text is not null ? Text == text : Binary is not null && binary is not null && Binary.AsSpan().SequenceEqual(binary);
}

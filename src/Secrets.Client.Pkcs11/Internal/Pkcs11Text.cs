namespace Secrets.Client.Pkcs11;

/// <summary>Wording shared by the messages of this package.</summary>
internal static class Pkcs11Text
{
    public static string DescribeToken(string? label, string? serial) =>
        (label, serial) switch
        {
            (not null, not null) => $"labelled '{label}' with serial '{serial}'",
            (not null, null) => $"labelled '{label}'",
            (null, not null) => $"with serial '{serial}'",
            _ => "(no label or serial configured)",
        };

    public static string List(IEnumerable<string> items)
    {
        var text = string.Join(", ", items.Select(i => $"'{i}'"));
        return text.Length == 0 ? "none" : text;
    }

    public static string DescribeKey(string? label, ReadOnlySpan<byte> id) =>
        label is not null ? $"labelled '{label}'" : $"with id {Convert.ToHexStringLower(id)}";
}

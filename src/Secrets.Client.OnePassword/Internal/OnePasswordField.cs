namespace Secrets.Client.OnePassword;

/// <summary>One field of an item: its metadata, and its value (and current one-time password) in secret memory.</summary>
internal sealed record OnePasswordField(string Id, string? Label, string? Type, string? Purpose, string? SectionId, string? SectionLabel, SecretValue? Value, SecretValue? Totp) : IDisposable
{
    public bool Matches(string? section, string field) =>
        (Equal(Id, field) || Equal(Label, field)) && (section is null || Equal(SectionId, section) || Equal(SectionLabel, section));

    public void Dispose()
    {
        Value?.Dispose();
        Totp?.Dispose();
    }

    // 1Password's secret references are case-insensitive.
    internal static bool Equal(string? a, string b) => a is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

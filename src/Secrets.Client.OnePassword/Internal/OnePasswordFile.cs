namespace Secrets.Client.OnePassword;

/// <summary>A file attached to an item (its content is read separately).</summary>
internal sealed record OnePasswordFile(string Id, string Name, string? SectionId, string? SectionLabel, string? ContentPath)
{
    public bool Matches(string? section, string field) =>
        (OnePasswordField.Equal(Id, field) || OnePasswordField.Equal(Name, field)) &&
        (section is null || OnePasswordField.Equal(SectionId, section) || OnePasswordField.Equal(SectionLabel, section));
}

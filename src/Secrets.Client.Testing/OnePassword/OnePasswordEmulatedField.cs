namespace Secrets.Client.Testing;

/// <summary>A field of an item held by <see cref="OnePasswordConnectEmulator"/>.</summary>
/// <param name="Label">The field's label, what references name.</param>
/// <param name="Value">The field's value.</param>
public sealed record OnePasswordEmulatedField(string Label, string Value)
{
    /// <summary>Gets the field's id; defaults to the label in lower case, as 1Password does for built-in fields.</summary>
    public string? Id { get; init; }

    /// <summary>Gets the field type: <c>CONCEALED</c> (default), <c>STRING</c>, <c>OTP</c>, <c>URL</c>, <c>EMAIL</c>...</summary>
    public string Type { get; init; } = "CONCEALED";

    /// <summary>Gets the field's purpose (<c>USERNAME</c>, <c>PASSWORD</c>, <c>NOTES</c>), if any.</summary>
    public string? Purpose { get; init; }

    /// <summary>Gets the label of the section the field is in, or <see langword="null"/> for none.</summary>
    public string? Section { get; init; }

    /// <summary>Gets the current one-time password Connect reports for an <c>OTP</c> field (<c>totp</c>).</summary>
    public string? Totp { get; init; }
}

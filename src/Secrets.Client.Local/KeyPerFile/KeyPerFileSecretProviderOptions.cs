namespace Secrets.Client.Local;

/// <summary>Options for <see cref="KeyPerFileSecretProvider"/>.</summary>
public class KeyPerFileSecretProviderOptions : LocalSecretProviderOptions
{
    /// <summary>
    /// Gets or sets the directory holding one file per secret; defaults to <c>/run/secrets</c>, where Docker and Compose
    /// mount secrets. A relative path is resolved against the current directory when the provider is constructed (the DI
    /// extensions resolve it against the content root instead).
    /// </summary>
    public string DirectoryPath { get; set; } = "/run/secrets";

    /// <summary>Gets or sets a value indicating whether a missing directory is allowed (the provider then has no secrets). Defaults to <see langword="false"/>.</summary>
    public bool Optional { get; set; }

    /// <summary>
    /// Gets or sets a file-name prefix that marks files to ignore, as <c>Microsoft.Extensions.Configuration.KeyPerFile</c>
    /// does; defaults to <c>ignore.</c>. <see langword="null"/> or empty ignores nothing (hidden files are always ignored).
    /// </summary>
    public string? IgnorePrefix { get; set; } = "ignore.";

    /// <summary>
    /// Gets or sets a value indicating whether one trailing line break (<c>\n</c> or <c>\r\n</c>) is removed from each
    /// value, as editors and <c>echo</c> add one. Defaults to <see langword="true"/>; turn it off for binary secrets.
    /// </summary>
    public bool TrimTrailingNewline { get; set; } = true;

    /// <summary>Describes the options for diagnostics (never any value).</summary>
    /// <returns>The provider name and directory.</returns>
    public override string ToString() =>
        $"{nameof(KeyPerFileSecretProviderOptions)}(Name = {Name ?? KeyPerFileSecretProvider.DefaultName}, DirectoryPath = '{DirectoryPath}', {(Optional ? "Optional" : "Required")})";

    /// <inheritdoc/>
    protected override void AddValidationFailures(ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (string.IsNullOrWhiteSpace(DirectoryPath))
        {
            failures.Add($"{nameof(DirectoryPath)} must not be empty.");
        }
    }
}

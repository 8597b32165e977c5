namespace Secrets.Client.Local;

/// <summary>Options for <see cref="DotEnvSecretProvider"/>.</summary>
/// <remarks>The parsing rules are listed on <see cref="DotEnvSecretProvider"/> and in <c>docs/local-sources.md</c>.</remarks>
public class DotEnvSecretProviderOptions : LocalSecretProviderOptions
{
    /// <summary>
    /// Gets or sets the path of the file; defaults to <c>.env</c>. A relative path is resolved against the current
    /// directory when the provider is constructed (the DI extensions resolve it against the content root instead).
    /// </summary>
    public string Path { get; set; } = ".env";

    /// <summary>Gets or sets a value indicating whether a missing file is allowed (the provider then has no keys). Defaults to <see langword="false"/>.</summary>
    public bool Optional { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether <c>${NAME}</c>, <c>$NAME</c> and their <c>:-</c>, <c>-</c>, <c>:+</c>,
    /// <c>+</c> forms are expanded, as npm <c>dotenv-expand</c> does. Defaults to <see langword="false"/>, like
    /// <c>dotenv</c> itself: passwords often contain <c>$</c>, and expansion would silently change them.
    /// </summary>
    public bool Expand { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether lines that <c>dotenv</c> silently skips (no <c>=</c>, a bad key) and quoted
    /// values that are not closed are reported as <see cref="DotEnvSyntaxException"/>. Defaults to <see langword="true"/>:
    /// a mistyped line otherwise shows up much later as a missing secret. Set it to <see langword="false"/> to parse
    /// exactly as <c>dotenv</c> does.
    /// </summary>
    public bool Strict { get; set; } = true;

    /// <summary>
    /// Gets or sets how often the file's last write time and length are checked for changes; a change makes the next
    /// call re-read the file. Defaults to one second; <see cref="TimeSpan.Zero"/> checks on every call.
    /// </summary>
    public TimeSpan ChangeCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Describes the options for diagnostics (never any value).</summary>
    /// <returns>The provider name, path and mode.</returns>
    public override string ToString() =>
        $"{nameof(DotEnvSecretProviderOptions)}(Name = {Name ?? DotEnvSecretProvider.DefaultName}, Path = '{Path}', {(Optional ? "Optional" : "Required")}, Expand = {Expand}, Strict = {Strict})";

    /// <inheritdoc/>
    protected override void AddValidationFailures(ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (string.IsNullOrWhiteSpace(Path))
        {
            failures.Add($"{nameof(Path)} must not be empty.");
        }

        if (ChangeCheckInterval < TimeSpan.Zero)
        {
            failures.Add($"{nameof(ChangeCheckInterval)} must not be negative.");
        }
    }
}

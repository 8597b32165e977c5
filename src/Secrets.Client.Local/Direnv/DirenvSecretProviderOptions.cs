namespace Secrets.Client.Local;

/// <summary>Options for <see cref="DirenvSecretProvider"/>.</summary>
public sealed class DirenvSecretProviderOptions : LocalSecretProviderOptions
{
    /// <summary>Gets or sets the directory whose <c>.envrc</c> (allowed with <c>direnv allow</c>) is loaded. Defaults to the current directory.</summary>
    public string Directory { get; set; } = ".";

    /// <summary>Gets or sets the <c>direnv</c> executable: a name looked up on <c>PATH</c>, or a path. Defaults to <c>direnv</c>.</summary>
    public string ExecutablePath { get; set; } = "direnv";

    /// <summary>Gets or sets how long <c>direnv export json</c> may run before it is killed. Defaults to 30 seconds.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how often the files direnv watches (<c>.envrc</c>, the files it loads with <c>dotenv</c> or
    /// <c>source_env</c>, its allow record) are checked for edits; an edit runs direnv again. Defaults to 2 seconds.
    /// </summary>
    public TimeSpan ChangeCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets the variables set for the direnv child on top of the few it inherits (<c>PATH</c>, <c>HOME</c>, <c>USER</c>,
    /// <c>LANG</c>, <c>TMPDIR</c>, the <c>XDG_*</c> directories, <c>DIRENV_CONFIG</c>); a <see langword="null"/> value
    /// removes an inherited one. For example <c>XDG_DATA_HOME</c> to keep direnv's allow records elsewhere.
    /// </summary>
    public IDictionary<string, string?> ProcessEnvironment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);
}

namespace Secrets.Client.Cli;

/// <summary>The leaked secret as each audit source names it.</summary>
internal sealed record LeakTarget(string Provider, string ProviderType, string SecretName, DateTimeOffset Since, DateTimeOffset Until)
{
    /// <summary>Gets other spellings of the secret (an ARN, a resource name) that sources may record instead of the name.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Gets the versions the tool knows of (the leaked one and the new one), for sources that hash what they record.</summary>
    public IReadOnlyList<string> KnownVersions { get; init; } = [];

    public bool Names(string? recorded) =>
        recorded is not null && (string.Equals(recorded, SecretName, StringComparison.Ordinal) || Aliases.Contains(recorded, StringComparer.Ordinal));

    public bool InWindow(DateTimeOffset time) => time >= Since && time <= Until;

    /// <summary>For sources that record whole seconds (CloudTrail): a read in the window's first second counts.</summary>
    public bool InWindowToTheSecond(DateTimeOffset time) =>
        time >= DateTimeOffset.FromUnixTimeSeconds(Since.ToUnixTimeSeconds()) && time <= Until;
}

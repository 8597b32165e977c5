namespace Secrets.Client.Cli;

/// <summary>The global flags every command takes.</summary>
internal sealed class ToolSettings
{
    /// <summary>Gets the folder holding <c>appsettings.json</c> (the working directory when not given).</summary>
    public string? ConfigDirectory { get; init; }

    /// <summary>Gets the environment given with <c>--environment</c>, if any (it scopes <c>run</c>).</summary>
    public string? Environment { get; init; }

    /// <summary>Gets the <c>--set key=value</c> overrides, applied last.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>Gets a value indicating whether output is JSON for scripts.</summary>
    public bool Json { get; init; }
}

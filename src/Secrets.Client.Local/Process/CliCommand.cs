namespace Secrets.Client.Local;

/// <summary>A command line to run for a secret source (<c>op</c>, <c>doppler</c>, <c>direnv</c>), and how.</summary>
/// <param name="Tool">What the tool is called in messages (for example <c>1Password CLI</c>).</param>
/// <param name="FileName">The executable: a name looked up on the child's <c>PATH</c>, or a path.</param>
/// <param name="Arguments">The arguments, passed without a shell.</param>
/// <param name="Environment">The child's whole environment: nothing else is inherited.</param>
/// <param name="Timeout">How long the child may run before it is killed.</param>
/// <param name="WorkingDirectory">The child's working directory, or <see langword="null"/> for the current one.</param>
internal sealed record CliCommand(
    string Tool,
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    TimeSpan Timeout,
    string? WorkingDirectory = null)
{
    /// <summary>Gets the most stdout bytes read before the child is treated as broken.</summary>
    public int MaxOutputBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Gets the clock the timeout runs on.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Copies the named variables that are set in this process into a child environment.</summary>
    /// <param name="names">Variable names; a name ending in <c>*</c> copies every variable with that prefix.</param>
    /// <returns>The variables found.</returns>
    public static Dictionary<string, string> Inherit(IEnumerable<string> names)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var all = System.Environment.GetEnvironmentVariables();
        foreach (var name in names)
        {
            if (name.EndsWith('*'))
            {
                var prefix = name[..^1];
                foreach (System.Collections.DictionaryEntry entry in all)
                {
                    if (entry.Key is string key && key.StartsWith(prefix, StringComparison.Ordinal) && entry.Value is string value)
                    {
                        environment[key] = value;
                    }
                }
            }
            else if (System.Environment.GetEnvironmentVariable(name) is { } value)
            {
                environment[name] = value;
            }
        }

        return environment;
    }

    /// <summary>Describes the command for messages and logs: the tool and its arguments (which never hold a secret).</summary>
    /// <returns>The command line.</returns>
    public override string ToString() => $"{FileName} {string.Join(' ', Arguments)}";
}

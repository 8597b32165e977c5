namespace Secrets.Client.Cli;

/// <summary>
/// The variables <c>secrets run</c> fills: <c>VAR=reference</c> lines of an env file (<c>#</c> comments, blank lines,
/// optional <c>export</c>), and any variable of the current environment whose value is a reference to a configured
/// provider (as <c>op run</c> does).
/// </summary>
internal static class EnvironmentMapping
{
    public static Dictionary<string, SecretReference> Read(string? envFile, CliContext context, Func<SecretReference, bool> canResolve)
    {
        var mapping = new Dictionary<string, SecretReference>(StringComparer.Ordinal);
        foreach (var (name, value) in context.Environment)
        {
            if (value.Contains("://", StringComparison.Ordinal) && SecretReference.TryParse(value, out var reference) && canResolve(reference))
            {
                mapping[name] = reference;
            }
        }

        if (envFile is null)
        {
            return mapping;
        }

        var path = context.ResolvePath(envFile);
        if (!File.Exists(path))
        {
            throw new CliUsageException($"The env file '{path}' does not exist.");
        }

        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? line[..equals].Trim() : string.Empty;
            if (name.Length == 0 || !IsVariableName(name))
            {
                throw new CliUsageException($"{path}:{number}: expected VARIABLE=reference.");
            }

            var text = line[(equals + 1)..].Trim().Trim('"', '\'');
            if (!text.Contains("://", StringComparison.Ordinal) || !SecretReference.TryParse(text, out var reference))
            {
                // Never echo the text: a value pasted here by mistake must not reach the terminal.
                throw new CliUsageException($"{path}:{number}: the value of {name} is not a secret reference (provider://path[#field]).");
            }

            mapping[name] = reference;
        }

        return mapping;
    }

    private static bool IsVariableName(string name) =>
        (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.AsSpan().IndexOfAnyExcept(System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")) < 0;
}

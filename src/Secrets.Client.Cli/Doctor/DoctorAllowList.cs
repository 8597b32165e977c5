using System.Text.RegularExpressions;

namespace Secrets.Client.Cli;

/// <summary>
/// Deliberate findings to ignore, one per line: <c>CHECK PATH-GLOB</c> (<c>*</c> within a folder, <c>**</c> across
/// folders; <c>*</c> as the check matches every check), <c>#</c> comments. For fixtures such as tracked test <c>.env</c> files.
/// </summary>
internal sealed class DoctorAllowList
{
    public const string DefaultFileName = ".secrets-doctor-allow";

    private readonly List<(string Check, Regex Path)> _entries = [];

    public static DoctorAllowList Load(string? path)
    {
        var list = new DoctorAllowList();
        if (path is null || !File.Exists(path))
        {
            return list;
        }

        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            list._entries.Add((parts[0], GlobToRegex(parts.Length > 1 ? parts[1] : "**")));
        }

        return list;
    }

    public bool Allows(DoctorFinding finding) => _entries.Any(entry =>
        (entry.Check == "*" || string.Equals(entry.Check, finding.Check, StringComparison.OrdinalIgnoreCase))
        && entry.Path.IsMatch(finding.Path ?? "(machine)"));

    private static Regex GlobToRegex(string glob)
    {
        var pattern = Regex.Escape(glob.Replace('\\', '/'))
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex("^" + pattern + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}

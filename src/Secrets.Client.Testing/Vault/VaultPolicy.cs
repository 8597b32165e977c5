using System.Text.Json;
using System.Text.RegularExpressions;

namespace Secrets.Client.Testing;

/// <summary>
/// One ACL policy: path rules with capabilities, parsed from Vault's HCL (<c>path "secret/data/*" { capabilities =
/// ["read"] }</c>) or its JSON form, and matched the way Vault matches them: <c>*</c> as a trailing glob, <c>+</c> as
/// one path segment, and the most specific matching rule deciding (see <see cref="Allows"/>).
/// </summary>
internal sealed partial class VaultPolicy
{
    private VaultPolicy(string name, string text, Dictionary<string, HashSet<string>> rules)
    {
        Name = name;
        Text = text;
        Rules = rules;
    }

    public string Name { get; }

    /// <summary>Gets the policy as written.</summary>
    public string Text { get; }

    /// <summary>Gets the capabilities of each path pattern.</summary>
    public Dictionary<string, HashSet<string>> Rules { get; }

    /// <summary>Parses a policy; <see langword="null"/> with an error message when it is not one.</summary>
    public static VaultPolicy? TryParse(string name, string text, out string? error)
    {
        error = null;
        var rules = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        if (text.TrimStart().StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.TryGetProperty("path", out var paths) && paths.ValueKind == JsonValueKind.Object)
                {
                    foreach (var path in paths.EnumerateObject())
                    {
                        var capabilities = path.Value.TryGetProperty("capabilities", out var list) && list.ValueKind == JsonValueKind.Array
                            ? list.EnumerateArray().Select(c => c.GetString() ?? string.Empty)
                            : [];
                        Add(rules, path.Name, capabilities);
                    }
                }
            }
            catch (JsonException)
            {
                error = "failed to parse policy: invalid JSON";
                return null;
            }
        }
        else
        {
            foreach (Match rule in PathRule().Matches(text))
            {
                var capabilities = CapabilitiesRule().Match(rule.Groups[2].Value);
                Add(rules, rule.Groups[1].Value, capabilities.Success ? capabilities.Groups[1].Value.Split(',').Select(c => c.Trim().Trim('"')) : []);
            }

            if (rules.Count == 0 && text.Trim().Length > 0)
            {
                error = "failed to parse policy: no path rules found";
                return null;
            }
        }

        var unknown = rules.Values.SelectMany(c => c).FirstOrDefault(c => !Capabilities.Contains(c));
        if (unknown is not null)
        {
            error = $"failed to parse policy: invalid capability \"{unknown}\"";
            return null;
        }

        return new VaultPolicy(name, text, rules);
    }

    /// <summary>
    /// Decides whether <paramref name="policies"/> grant <paramref name="capability"/> on <paramref name="path"/>:
    /// the rules of every policy for the same pattern are merged, the most specific matching pattern decides, and
    /// <c>deny</c> there refuses everything.
    /// </summary>
    public static bool Allows(IEnumerable<VaultPolicy> policies, string path, string capability)
    {
        var merged = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var rule in policies.SelectMany(p => p.Rules))
        {
            Add(merged, rule.Key, rule.Value);
        }

        var best = merged.Keys.Where(pattern => Matches(pattern, path)).Order(PatternPriority.Instance).LastOrDefault();
        return best is not null && !merged[best].Contains("deny") && merged[best].Contains(capability);
    }

    private static readonly HashSet<string> Capabilities = new(StringComparer.Ordinal) { "create", "read", "update", "patch", "delete", "list", "sudo", "deny", "subscribe", "recover" };

    private static void Add(Dictionary<string, HashSet<string>> rules, string path, IEnumerable<string> capabilities)
    {
        if (!rules.TryGetValue(path, out var set))
        {
            rules[path] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        set.UnionWith(capabilities.Where(c => c.Length > 0));
    }

    /// <summary>Matches a pattern: <c>+</c> stands for one whole segment, a trailing <c>*</c> for any rest.</summary>
    private static bool Matches(string pattern, string path)
    {
        var glob = pattern.EndsWith('*');
        var body = glob ? pattern[..^1] : pattern;
        var patternParts = body.Split('/');
        var pathParts = path.Split('/');
        for (var i = 0; i < patternParts.Length; i++)
        {
            var last = i == patternParts.Length - 1;
            if (i >= pathParts.Length)
            {
                return false;
            }

            if (patternParts[i] == "+")
            {
                continue;
            }

            if (last && glob)
            {
                return pathParts[i].StartsWith(patternParts[i], StringComparison.Ordinal);
            }

            if (!string.Equals(patternParts[i], pathParts[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return glob ? pathParts.Length >= patternParts.Length : pathParts.Length == patternParts.Length;
    }

    [GeneratedRegex("""path\s+"([^"]+)"\s*\{([^}]*)\}""")]
    private static partial Regex PathRule();

    [GeneratedRegex("""capabilities\s*=\s*\[([^\]]*)\]""")]
    private static partial Regex CapabilitiesRule();

    /// <summary>Vault's priority between two matching patterns (lowest first), as its policy documentation lists it.</summary>
    private sealed class PatternPriority : IComparer<string>
    {
        public static readonly PatternPriority Instance = new();

        public int Compare(string? x, string? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);

            // 1. The pattern whose first wildcard comes earlier is lower.
            var wildcardX = FirstWildcard(x);
            var wildcardY = FirstWildcard(y);
            if (wildcardX != wildcardY)
            {
                return wildcardX.CompareTo(wildcardY);
            }

            // 2. A pattern ending in * is lower than one that does not.
            var globX = x.EndsWith('*');
            if (globX != y.EndsWith('*'))
            {
                return globX ? -1 : 1;
            }

            // 3. More + segments is lower.
            var plusX = x.Split('/').Count(s => s == "+");
            var plusY = y.Split('/').Count(s => s == "+");
            if (plusX != plusY)
            {
                return plusY.CompareTo(plusX);
            }

            // 4. Shorter is lower; 5. then the smaller string is lower.
            return x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
        }

        private static int FirstWildcard(string pattern)
        {
            var plus = pattern.IndexOf('+', StringComparison.Ordinal);
            var star = pattern.IndexOf('*', StringComparison.Ordinal);
            var first = plus < 0 ? star : star < 0 ? plus : Math.Min(plus, star);
            return first < 0 ? int.MaxValue : first;
        }
    }
}

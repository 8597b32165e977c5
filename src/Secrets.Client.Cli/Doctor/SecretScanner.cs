using System.Text.RegularExpressions;

namespace Secrets.Client.Cli;

/// <summary>
/// Finds likely hard-coded secrets in text: known key formats, and high-entropy literals assigned to secret-like names.
/// Reports the line and the kind, never the matched text.
/// </summary>
internal static partial class SecretScanner
{
    private static readonly (string Kind, Regex Pattern)[] KnownFormats =
    [
        ("an AWS access key id", AwsAccessKey()),
        ("a private key", PrivateKey()),
        ("a GitHub token", GitHubToken()),
        ("a Slack token", SlackToken()),
        ("a Google API key", GoogleApiKey()),
        ("a Stripe live secret key", StripeKey()),
    ];

    /// <summary>Files where <c>key=value</c> needs no quotes (elsewhere only quoted literals count, not code expressions).</summary>
    private static readonly string[] ConfigExtensions = [".env", ".properties", ".ini", ".cfg", ".conf", ".yml", ".yaml", ".toml", ".envrc"];

    public static bool IsConfigFile(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith(".env", StringComparison.Ordinal) || ConfigExtensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase);
    }

    public static IEnumerable<(int Line, string Kind)> Scan(string text, bool unquotedValues = false)
    {
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Length > 4096)
            {
                continue; // minified or generated
            }

            var lineText = line.TrimEnd('\r');
            var found = false;
            foreach (var (kind, pattern) in KnownFormats)
            {
                if (pattern.IsMatch(lineText))
                {
                    yield return (number, kind);
                    found = true;
                    break;
                }
            }

            if (found)
            {
                continue;
            }

            foreach (Match match in (unquotedValues ? Assignment() : QuotedAssignment()).Matches(lineText))
            {
                var literal = match.Groups["value"].Value;
                if (!LooksLikePlaceholder(literal) && literal.Any(char.IsAsciiDigit) && literal.Any(char.IsAsciiLetter) && Entropy(literal) >= 3.5)
                {
                    yield return (number, $"a high-entropy literal assigned to '{match.Groups["name"].Value}'");
                    break;
                }
            }
        }
    }

    /// <summary>Shannon entropy in bits per character.</summary>
    public static double Entropy(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        var counts = new Dictionary<char, int>();
        foreach (var c in text)
        {
            counts[c] = counts.GetValueOrDefault(c) + 1;
        }

        return counts.Values.Sum(count =>
        {
            var p = (double)count / text.Length;
            return -p * Math.Log2(p);
        });
    }

    private static bool LooksLikePlaceholder(string literal) =>
        literal.Contains("://", StringComparison.Ordinal) // a secret reference or URL
        || literal.StartsWith('/') // a path
        || literal.Count(c => c == '-') >= 3 && literal.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') // a kebab-case name (a header, an id)
        || literal.Contains("${", StringComparison.Ordinal) || literal.Contains("{{", StringComparison.Ordinal)
        || literal.StartsWith('<') || literal.StartsWith('$') || literal.StartsWith('%')
        || literal.Contains("example", StringComparison.OrdinalIgnoreCase) || literal.Contains("changeme", StringComparison.OrdinalIgnoreCase)
        || literal.Contains("placeholder", StringComparison.OrdinalIgnoreCase) || literal.All(c => c == 'x' || c == 'X' || c == '*');

    [GeneratedRegex(@"\b(AKIA|ASIA)[0-9A-Z]{16}\b", RegexOptions.CultureInvariant)]
    private static partial Regex AwsAccessKey();

    [GeneratedRegex(@"-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\bgh[pousr]_[A-Za-z0-9]{36,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bxox[abprs]-[A-Za-z0-9-]{10,}", RegexOptions.CultureInvariant)]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_\-]{35}\b", RegexOptions.CultureInvariant)]
    private static partial Regex GoogleApiKey();

    [GeneratedRegex(@"\bsk_live_[0-9A-Za-z]{24,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex StripeKey();

    [GeneratedRegex(@"(?<name>[A-Za-z0-9_.\-]*(?:secret|password|passwd|pwd|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|credential|connectionstring)[A-Za-z0-9_.\-]*)[""']?\s*(?::=|=|:)\s*[""']?(?<value>[^\s""'`,;]{16,})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"(?<name>[A-Za-z0-9_.\-]*(?:secret|password|passwd|pwd|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|credential|connectionstring)[A-Za-z0-9_.\-]*)[""']?\s*(?::=|=|:|=>)\s*@?(?<quote>[""'`])(?<value>[^\s""'`]{16,})\k<quote>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QuotedAssignment();
}

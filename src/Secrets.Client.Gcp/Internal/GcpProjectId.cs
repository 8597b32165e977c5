using System.Text.RegularExpressions;

namespace Secrets.Client.Gcp;

/// <summary>Checks Google Cloud project ids and numbers.</summary>
internal static partial class GcpProjectId
{
    public static bool IsValid(string project) => Pattern().IsMatch(project);

    [GeneratedRegex("^[a-z0-9][a-z0-9.:-]{0,99}$")]
    private static partial Regex Pattern();
}

namespace Secrets.Client.Cli;

/// <summary>One problem <c>doctor</c> found: which check, where, what, and how to fix it. Never holds a value.</summary>
internal sealed record DoctorFinding(string Check, string? Path, int? Line, string Problem, string Fix)
{
    public string Location => Path is null ? "(machine)" : Line is null ? Path : $"{Path}:{Line}";
}

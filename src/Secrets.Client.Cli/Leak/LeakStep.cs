namespace Secrets.Client.Cli;

/// <summary>One step of the leak response and how it went: <c>done</c>, <c>failed</c>, <c>manual</c> (the tool cannot do it here; the detail says how) or <c>skipped</c>.</summary>
internal sealed record LeakStep(string Name, string Status, string Detail)
{
    public bool Incomplete => Status is "failed" or "manual";
}

namespace Secrets.Client.Cli;

/// <summary>One read of the leaked secret that an audit source recorded: who, from where, when, and the version where recorded.</summary>
internal sealed record AuditRead(string Source, DateTimeOffset Time, string? Principal, string? Host, string? Version, string Operation);

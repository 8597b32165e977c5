namespace Secrets.Client.Cli;

/// <summary>A place that recorded reads of secrets, which the leak report asks.</summary>
internal interface IAuditSource
{
    /// <summary>Gets the source's name in the report.</summary>
    string Name { get; }

    /// <summary>Reads every recorded read of the target within its window.</summary>
    Task<IReadOnlyList<AuditRead>> ReadAsync(LeakTarget target, CancellationToken cancellationToken);
}

using Microsoft.Extensions.Logging;

namespace Secrets.Client;

/// <summary>
/// The default audit sink: one structured <see cref="ILogger"/> event per access, in category
/// <c>Secrets.Client.Audit</c>. Cache hits are logged at <see cref="LogLevel.Debug"/>, fetches and writes at
/// <see cref="LogLevel.Information"/>, failures and stale serves at <see cref="LogLevel.Warning"/>.
/// </summary>
public sealed partial class LoggerSecretAuditSink : ISecretAuditSink
{
    /// <summary>The log category audit events are written to.</summary>
    public const string CategoryName = "Secrets.Client.Audit";

    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="LoggerSecretAuditSink"/> class.</summary>
    /// <param name="loggerFactory">Creates the audit logger.</param>
    public LoggerSecretAuditSink(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger(CategoryName);
    }

    /// <inheritdoc/>
    public bool IsEnabled(SecretAccessKind kind, SecretAuditOutcome outcome) => _logger.IsEnabled(LevelOf(kind, outcome));

    /// <inheritdoc/>
    public void Record(in SecretAuditRecord record)
    {
        var level = LevelOf(record.Kind, record.Outcome);
        if (!_logger.IsEnabled(level))
        {
            return;
        }

        SecretAccessed(_logger, level, record.Kind, record.Provider, record.SecretName, record.Field, record.Version, record.Outcome,
            record.CacheHit, record.Identity, record.User, record.Host, record.Process, record.Environment, record.ErrorType, record.Timestamp);
    }

    private static LogLevel LevelOf(SecretAccessKind kind, SecretAuditOutcome outcome) => outcome switch
    {
        SecretAuditOutcome.Success when kind == SecretAccessKind.CacheHit => LogLevel.Debug,
        SecretAuditOutcome.Success => LogLevel.Information,
        _ => LogLevel.Warning,
    };

    [LoggerMessage(EventId = 1000, EventName = "SecretAccessed", SkipEnabledCheck = true,
        Message = "Secret {Kind} {Outcome}: {Provider}:{SecretName} field {Field} version {Version}; cache hit {CacheHit}; identity {Identity}; user {User}; host {Host}; process {Process}; environment {Environment}; error {ErrorType}; at {Timestamp:O}")]
    private static partial void SecretAccessed(ILogger logger, LogLevel level, SecretAccessKind kind, string provider, string secretName, string? field,
        string? version, SecretAuditOutcome outcome, bool cacheHit, string? identity, string user, string host, string process, string environment,
        string? errorType, DateTimeOffset timestamp);
}

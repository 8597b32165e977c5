using Microsoft.Extensions.Logging;

namespace Secrets.Client;

/// <summary>Builds the store's audit records (who, what, where, when; never a value) and hands them to the sink.</summary>
internal sealed class StoreAuditor
{
    private readonly ISecretAuditSink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _environment;
    private readonly string _user;
    private readonly string _host;
    private readonly string _process;

    public StoreAuditor(ISecretAuditSink sink, TimeProvider time, string environment, ILogger logger)
    {
        _sink = sink;
        _time = time;
        _environment = environment;
        _logger = logger;
        _user = System.Environment.UserName;
        _host = System.Environment.MachineName;
        using var current = System.Diagnostics.Process.GetCurrentProcess();
        _process = $"{current.ProcessName}[{System.Environment.ProcessId}]";
    }

    public static SecretAuditOutcome OutcomeOf(SecretStoreException error) => error switch
    {
        SecretNotFoundException => SecretAuditOutcome.NotFound,
        SecretAccessDeniedException => SecretAuditOutcome.AccessDenied,
        SecretUnavailableException => SecretAuditOutcome.Unavailable,
        InvalidSecretReferenceException => SecretAuditOutcome.InvalidReference,
        SecretIntegrityException or SecretFormatException => SecretAuditOutcome.IntegrityFailure,
        _ => SecretAuditOutcome.Failed,
    };

    public bool IsEnabled(SecretAccessKind kind, SecretAuditOutcome outcome) => _sink.IsEnabled(kind, outcome);

    public void Success(ProviderRoute route, SecretReference reference, SecretAccessKind kind, string? version) =>
        Record(route, reference, kind, SecretAuditOutcome.Success, version, errorType: null);

    public void Failure(ProviderRoute route, SecretReference reference, SecretAccessKind kind, SecretStoreException error) =>
        Record(route, reference, kind, OutcomeOf(error), reference.Version, error.GetType().Name);

    public void Record(ProviderRoute route, SecretReference reference, SecretAccessKind kind, SecretAuditOutcome outcome, string? version, string? errorType)
    {
        if (!_sink.IsEnabled(kind, outcome))
        {
            return;
        }

        var record = new SecretAuditRecord
        {
            Timestamp = _time.GetUtcNow(),
            Provider = route.Name,
            SecretName = reference.Path,
            Field = reference.Field,
            Version = version,
            Kind = kind,
            Outcome = outcome,
            Identity = route.Provider.Identity,
            User = _user,
            Host = _host,
            Process = _process,
            Environment = _environment,
            ErrorType = errorType,
        };
        try
        {
            _sink.Record(in record);
        }
#pragma warning disable CA1031 // An audit sink's failure is logged, never allowed to break reads.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.AuditSinkFailed(_logger, ex);
        }
    }
}

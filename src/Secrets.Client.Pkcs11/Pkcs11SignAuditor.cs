using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Pkcs11;

/// <summary>
/// Records each signature (signer, token, key, mechanism, outcome, caller; never the data or the PIN) as an audit log
/// event, a core audit record when a sink is given, metrics and an activity.
/// </summary>
internal sealed class Pkcs11SignAuditor(string signerName, ILogger logger, ILogger auditLogger, TimeProvider timeProvider, ISecretAuditSink? auditSink)
{
    private readonly string _user = Environment.UserName;
    private readonly string _host = Environment.MachineName;
    private readonly string _process = DescribeProcess();
    private readonly string _environment = SecretEnvironment.Resolve(null);

    public Activity? StartActivity(Pkcs11SignRequest request)
    {
        var activity = Pkcs11Telemetry.ActivitySource.StartActivity("Pkcs11 Sign");
        activity?.SetTag("pkcs11.signer", signerName);
        activity?.SetTag("pkcs11.key", request.Key.Label);
        activity?.SetTag("pkcs11.algorithm", request.PlannedMechanism);
        return activity;
    }

    public void Record(Pkcs11SignRequest request, string mechanism, string caller, long started, Activity? activity, Exception? error = null)
    {
        var outcome = error?.GetType().Name ?? "success";
        var elapsed = timeProvider.GetElapsedTime(started);
        var callerWithTrace = (activity is null ? Activity.Current : activity.Parent) is { } context ? $"{caller} (in {context.OperationName})" : caller;
        Pkcs11Log.AuditSign(auditLogger, auditSink is null ? LogLevel.Information : LogLevel.Debug, signerName, request.Key.TokenLabel, request.Key.Label, mechanism, outcome, callerWithTrace);
        RecordToSink(request, mechanism, outcome, error);
        var tags = new TagList
        {
            { "pkcs11.signer", signerName },
            { "pkcs11.key", request.Key.Label },
            { "pkcs11.mechanism", mechanism },
            { "outcome", outcome },
        };
        Pkcs11Telemetry.Signatures.Add(1, tags);
        Pkcs11Telemetry.SignDuration.Record(elapsed.TotalSeconds, tags);
        if (activity is not null)
        {
            activity.SetTag("pkcs11.mechanism", mechanism);
            activity.SetTag("outcome", outcome);
            if (outcome != "success")
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome);
            }
        }
    }

    private void RecordToSink(Pkcs11SignRequest request, string mechanism, string outcome, Exception? error)
    {
        if (auditSink is null)
        {
            return;
        }

        var record = new SecretAuditRecord
        {
            Timestamp = timeProvider.GetUtcNow(),
            Provider = "pkcs11",
            SecretName = request.Key.Label,
            Field = mechanism,
            Kind = SecretAccessKind.Sign,
            Outcome = error switch
            {
                null => SecretAuditOutcome.Success,
                SecretNotFoundException => SecretAuditOutcome.NotFound,
                SecretAccessDeniedException => SecretAuditOutcome.AccessDenied,
                SecretUnavailableException => SecretAuditOutcome.Unavailable,
                InvalidSecretReferenceException => SecretAuditOutcome.InvalidReference,
                _ => SecretAuditOutcome.Failed,
            },
            Identity = $"{signerName}/{request.Key.TokenLabel}",
            User = _user,
            Host = _host,
            Process = _process,
            Environment = _environment,
            ErrorType = error is null ? null : outcome,
        };
        try
        {
            auditSink.Record(in record);
        }
#pragma warning disable CA1031 // A failing audit sink is logged; it must not turn a good signature into an error.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Pkcs11Log.AuditSinkFailed(logger, ex, signerName);
        }
    }

    private static string DescribeProcess()
    {
        using var current = Process.GetCurrentProcess();
        return $"{current.ProcessName}[{Environment.ProcessId}]";
    }
}

using Microsoft.Extensions.Options;

namespace Secrets.Client;

/// <summary>
/// Options of an <see cref="AnomalyDetectingAuditSink"/>: working hours, the learning period for new principals, hosts
/// and processes, burst and failure thresholds, and memory bounds. Validated once, when the sink is built.
/// </summary>
public class SecretAnomalyOptions
{
    /// <summary>Gets or sets the time zone working hours are expressed in. Default <see cref="TimeZoneInfo.Utc"/>.</summary>
    public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Utc;

    /// <summary>Gets or sets a value indicating whether accesses outside working hours or days are flagged. Default <see langword="true"/>.</summary>
    public bool DetectOffHours { get; set; } = true;

    /// <summary>Gets or sets when the working day starts, in <see cref="TimeZone"/> (inclusive). Default 08:00.</summary>
    public TimeOnly WorkingHoursStart { get; set; } = new(8, 0);

    /// <summary>
    /// Gets or sets when the working day ends, in <see cref="TimeZone"/> (exclusive). Default 18:00. An end before the
    /// start spans midnight (a night shift, attributed to the day it starts); an end equal to the start means all day.
    /// </summary>
    public TimeOnly WorkingHoursEnd { get; set; } = new(18, 0);

    /// <summary>Gets the working days, in <see cref="TimeZone"/>. Default Monday to Friday.</summary>
    public ISet<DayOfWeek> WorkingDays { get; } = new HashSet<DayOfWeek>
    {
        DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday,
    };

    /// <summary>
    /// Gets or sets a value indicating whether a principal, host or process that had not accessed a secret before is
    /// flagged once the <see cref="LearningPeriod"/> is over. Default <see langword="true"/>.
    /// </summary>
    public bool DetectNewAccessors { get; set; } = true;

    /// <summary>
    /// Gets or sets how long, from the sink's creation, accessors are learned without being flagged. After it, the first
    /// access of a secret by a principal, host or process not seen for that secret is flagged; a secret with no history
    /// yet (first read, or forgotten) is judged against the accessors of every secret. Default 1 hour, enough for an
    /// application to read its secrets at start-up.
    /// </summary>
    public TimeSpan LearningPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets the access kinds that count as reads for off-hours, new-accessor and burst detection. Default
    /// <see cref="SecretAccessKind.Fetch"/>, <see cref="SecretAccessKind.Metadata"/>, <see cref="SecretAccessKind.List"/>,
    /// <see cref="SecretAccessKind.Write"/> and <see cref="SecretAccessKind.Rotate"/>: cache hits and background
    /// refreshes are normal traffic and, left out, keep the cached-read path free of analysis.
    /// </summary>
    public ISet<SecretAccessKind> AnalyzedAccessKinds { get; } = new HashSet<SecretAccessKind>
    {
        SecretAccessKind.Fetch, SecretAccessKind.Metadata, SecretAccessKind.List, SecretAccessKind.Write, SecretAccessKind.Rotate,
    };

    /// <summary>Gets or sets a value indicating whether bursts of accesses are flagged. Default <see langword="true"/>.</summary>
    public bool DetectBursts { get; set; } = true;

    /// <summary>Gets or sets the window bursts and their thresholds are measured over (sliding). Default 1 minute.</summary>
    public TimeSpan BurstWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets the most analysed accesses of one secret within <see cref="BurstWindow"/> that are not flagged.
    /// Default 20 (a cached secret is fetched about once per cache duration). Zero turns per-secret bursts off.
    /// </summary>
    public int SecretBurstThreshold { get; set; } = 20;

    /// <summary>
    /// Gets or sets the most analysed accesses by one principal, across secrets, within <see cref="BurstWindow"/> that
    /// are not flagged. Default 1,000 (above a start-up bulk load). Zero turns per-principal bursts off.
    /// </summary>
    public int PrincipalBurstThreshold { get; set; } = 1_000;

    /// <summary>Gets or sets a value indicating whether repeated failures by one principal are flagged. Default <see langword="true"/>.</summary>
    public bool DetectRepeatedFailures { get; set; } = true;

    /// <summary>
    /// Gets the outcomes that count as failures, whatever the access kind (a cached not-found included). Default
    /// <see cref="SecretAuditOutcome.AccessDenied"/> and <see cref="SecretAuditOutcome.NotFound"/>.
    /// </summary>
    public ISet<SecretAuditOutcome> FailureOutcomes { get; } = new HashSet<SecretAuditOutcome>
    {
        SecretAuditOutcome.AccessDenied, SecretAuditOutcome.NotFound,
    };

    /// <summary>
    /// Gets or sets the most failures by one principal within <see cref="FailureWindow"/> that are not flagged. Default 5.
    /// Zero flags every failure.
    /// </summary>
    public int FailureThreshold { get; set; } = 5;

    /// <summary>Gets or sets the window failures are counted over (sliding). Default 1 minute.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long after reporting an off-hours, burst or failure anomaly for a secret (or a principal) the
    /// same kind is not reported again for it, so that a sustained condition raises one alert, not thousands.
    /// Default 15 minutes. New-accessor anomalies are reported once per accessor anyway.
    /// </summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Gets or sets the most secrets whose accessors and bursts are tracked; beyond it the least recently accessed are
    /// forgotten (their accessors are then learned again, and flagged as new once learning is over). Default 10,000.
    /// </summary>
    public int MaxTrackedSecrets { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the most principals, hosts and processes remembered per secret, each; beyond it the least recently
    /// seen is forgotten. Default 32.
    /// </summary>
    public int MaxAccessorsPerSecret { get; set; } = 32;

    /// <summary>
    /// Gets or sets the most principals whose bursts and failures are tracked, and the most principals, hosts and
    /// processes (each) remembered across secrets; beyond it the least recently seen are forgotten. Default 1,000.
    /// </summary>
    public int MaxTrackedPrincipals { get; set; } = 1_000;

    internal const int MaxThreshold = 100_000;

    internal void Validate()
    {
        var failures = new List<string>();
        Check(TimeZone is not null, nameof(TimeZone), "must be set");
        Check(WorkingDays is not null, nameof(WorkingDays), "must be set");
        Check(AnalyzedAccessKinds is not null && AnalyzedAccessKinds.All(Enum.IsDefined), nameof(AnalyzedAccessKinds), "must hold only defined access kinds");
        Check(FailureOutcomes is not null && FailureOutcomes.All(Enum.IsDefined), nameof(FailureOutcomes), "must hold only defined outcomes");
        Check(LearningPeriod >= TimeSpan.Zero, nameof(LearningPeriod), "must not be negative");
        Check(BurstWindow > TimeSpan.Zero, nameof(BurstWindow), "must be positive");
        Check(SecretBurstThreshold is >= 0 and <= MaxThreshold, nameof(SecretBurstThreshold), $"must be in [0, {MaxThreshold}]");
        Check(PrincipalBurstThreshold is >= 0 and <= MaxThreshold, nameof(PrincipalBurstThreshold), $"must be in [0, {MaxThreshold}]");
        Check(FailureThreshold is >= 0 and <= MaxThreshold, nameof(FailureThreshold), $"must be in [0, {MaxThreshold}]");
        Check(FailureWindow > TimeSpan.Zero, nameof(FailureWindow), "must be positive");
        Check(ReportInterval >= TimeSpan.Zero, nameof(ReportInterval), "must not be negative");
        Check(MaxTrackedSecrets > 0, nameof(MaxTrackedSecrets), "must be positive");
        Check(MaxAccessorsPerSecret > 0, nameof(MaxAccessorsPerSecret), "must be positive");
        Check(MaxTrackedPrincipals > 0, nameof(MaxTrackedPrincipals), "must be positive");
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(nameof(SecretAnomalyOptions), typeof(SecretAnomalyOptions), failures);
        }

        void Check(bool ok, string name, string rule)
        {
            if (!ok)
            {
                failures.Add($"SecretAnomalyOptions.{name} {rule}.");
            }
        }
    }
}

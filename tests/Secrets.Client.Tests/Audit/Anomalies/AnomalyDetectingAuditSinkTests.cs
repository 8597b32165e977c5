using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Secrets.Client.Tests.Audit.Anomalies.AnomalyFixture;

namespace Secrets.Client.Tests.Audit.Anomalies;

public class AnomalyDetectingAuditSinkTests
{
    private static readonly DateTimeOffset AfterLearning = MondayMorning.AddHours(2);

    private static void LearnForAnHour(SecretAnomalyOptions options) => options.LearningPeriod = TimeSpan.FromHours(1);

    [Fact]
    public void Every_record_is_forwarded_unchanged_to_the_inner_sink()
    {
        using var fixture = new AnomalyFixture();
        var records = new[]
        {
            Access(MondayMorning, kind: SecretAccessKind.CacheHit),
            Access(MondayMorning, kind: SecretAccessKind.Fetch),
            Access(MondayMorning, kind: SecretAccessKind.Refresh, outcome: SecretAuditOutcome.Unavailable),
            Access(MondayMorning.AddDays(5), kind: SecretAccessKind.Fetch, outcome: SecretAuditOutcome.AccessDenied),
        };

        foreach (var record in records)
        {
            fixture.Record(record);
        }

        Assert.Equal(records, fixture.Recording.Records);
        Assert.Same(fixture.Inner, fixture.Sink.InnerSink);
    }

    [Fact]
    public void IsEnabled_asks_for_analysed_records_even_when_the_inner_sink_is_off_and_forwards_only_what_it_wants()
    {
        var inner = new SelectiveSink(wanted: (SecretAccessKind.Refresh, SecretAuditOutcome.Success));
        using var fixture = new AnomalyFixture(inner: inner, start: MondayMorning.AddDays(-1));

        Assert.True(fixture.Sink.IsEnabled(SecretAccessKind.Fetch, SecretAuditOutcome.Success));
        Assert.True(fixture.Sink.IsEnabled(SecretAccessKind.CacheHit, SecretAuditOutcome.NotFound));
        Assert.True(fixture.Sink.IsEnabled(SecretAccessKind.Refresh, SecretAuditOutcome.Success));
        Assert.False(fixture.Sink.IsEnabled(SecretAccessKind.CacheHit, SecretAuditOutcome.Success));
        Assert.False(fixture.Sink.IsEnabled(SecretAccessKind.Refresh, SecretAuditOutcome.Unavailable));

        fixture.Record(Access(MondayMorning.AddDays(5))); // Saturday: off hours
        fixture.Record(Access(MondayMorning, kind: SecretAccessKind.Refresh));

        Assert.Equal([SecretAnomalyKind.OffHours], fixture.Kinds);
        Assert.Equal([SecretAccessKind.Refresh], inner.Received.Select(record => record.Kind));
    }

    [Fact]
    public void Normal_traffic_is_not_flagged()
    {
        using var fixture = new AnomalyFixture();
        for (var minute = 0; minute < 8 * 60; minute++)
        {
            var at = MondayMorning.AddMinutes(minute);
            fixture.Record(Access(at, secret: "db", kind: minute % 5 == 0 ? SecretAccessKind.Fetch : SecretAccessKind.CacheHit));
            fixture.Record(Access(at, secret: "api-key", kind: SecretAccessKind.CacheHit));
            for (var read = 0; read < 50; read++)
            {
                fixture.Record(Access(at, secret: "hot", kind: SecretAccessKind.CacheHit)); // cached traffic is never a burst
            }
        }

        fixture.Record(Access(MondayMorning.AddHours(8).AddMinutes(30), secret: "db", process: "api[4242]")); // restarted process
        fixture.Record(Access(MondayMorning.AddHours(3), secret: "missing", outcome: SecretAuditOutcome.NotFound, process: "api[101]"));

        Assert.Empty(fixture.Raised);
        Assert.Empty(fixture.AnomalySink.Anomalies);
        Assert.Empty(fixture.Counter.GetMeasurementSnapshot());
        Assert.DoesNotContain(fixture.Logs.GetSnapshot(), log => log.Category == AnomalyDetectingAuditSink.CategoryName);
    }

    [Theory]
    [InlineData("2026-11-28T10:00:00Z", true)] // Saturday
    [InlineData("2026-11-23T07:59:59Z", true)] // Monday before 08:00
    [InlineData("2026-11-23T08:00:00Z", false)]
    [InlineData("2026-11-23T17:59:59Z", false)]
    [InlineData("2026-11-23T18:00:00Z", true)]
    [InlineData("2026-11-27T12:00:00Z", false)] // Friday
    public void Off_hours_follow_the_default_working_week(string at, bool flagged)
    {
        using var fixture = new AnomalyFixture(start: MondayMorning.AddDays(-1));

        fixture.Record(Access(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(flagged ? [SecretAnomalyKind.OffHours] : [], fixture.Kinds);
    }

    [Theory]
    [InlineData("2026-11-23T06:30:00Z", false)] // 08:30 local
    [InlineData("2026-11-23T05:30:00Z", true)] // 07:30 local
    [InlineData("2026-11-23T16:30:00Z", true)] // 18:30 local
    [InlineData("2026-11-27T22:30:00Z", true)] // Saturday 00:30 local, Friday in UTC
    public void Off_hours_are_judged_in_the_configured_time_zone(string at, bool flagged)
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test+02", TimeSpan.FromHours(2), "Test+02", "Test+02");
        using var fixture = new AnomalyFixture(options => options.TimeZone = zone, start: MondayMorning.AddDays(-1));

        fixture.Record(Access(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(flagged ? [SecretAnomalyKind.OffHours] : [], fixture.Kinds);
        if (flagged)
        {
            Assert.Contains("Test+02", fixture.Raised.Single().Description, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("2026-11-23T23:00:00Z", false)] // Monday night
    [InlineData("2026-11-24T05:59:00Z", false)] // the Monday shift, early Tuesday
    [InlineData("2026-11-28T02:00:00Z", false)] // the Friday shift, early Saturday
    [InlineData("2026-11-23T02:00:00Z", true)] // the Sunday shift: Sunday is not a working day
    [InlineData("2026-11-24T12:00:00Z", true)] // midday
    public void A_shift_over_midnight_belongs_to_the_day_it_starts(string at, bool flagged)
    {
        using var fixture = new AnomalyFixture(
            options =>
            {
                options.WorkingHoursStart = new TimeOnly(22, 0);
                options.WorkingHoursEnd = new TimeOnly(6, 0);
            },
            start: MondayMorning.AddDays(-2));

        fixture.Record(Access(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(flagged ? [SecretAnomalyKind.OffHours] : [], fixture.Kinds);
    }

    [Fact]
    public void Equal_start_and_end_mean_all_day_on_working_days()
    {
        using var fixture = new AnomalyFixture(options =>
        {
            options.WorkingHoursStart = options.WorkingHoursEnd = TimeOnly.MinValue;
            options.WorkingDays.Add(DayOfWeek.Saturday);
        });

        fixture.Record(Access(MondayMorning.AddHours(-8))); // Monday 01:00
        fixture.Record(Access(MondayMorning.AddDays(5).AddHours(-8), secret: "other")); // Saturday 01:00
        fixture.Record(Access(MondayMorning.AddDays(6), secret: "third")); // Sunday

        Assert.Equal([SecretAnomalyKind.OffHours], fixture.Kinds);
        Assert.Equal("third", fixture.Raised.Single().Record.SecretName);
    }

    [Fact]
    public void Off_hours_cache_hits_are_not_flagged_and_a_sustained_condition_is_reported_once_per_interval()
    {
        using var fixture = new AnomalyFixture(start: MondayMorning.AddDays(-7));
        var saturday = MondayMorning.AddDays(5);

        fixture.Record(Access(saturday, kind: SecretAccessKind.CacheHit));
        fixture.Record(Access(saturday));
        fixture.Record(Access(saturday.AddMinutes(14)));
        fixture.Record(Access(saturday.AddMinutes(14), secret: "other"));
        fixture.Record(Access(saturday.AddMinutes(15)));

        Assert.Equal(3, fixture.Kinds.Count(kind => kind == SecretAnomalyKind.OffHours));
        Assert.Equal(["db", "other", "db"], fixture.Raised.Select(anomaly => anomaly.Record.SecretName));
    }

    [Fact]
    public void New_principals_hosts_and_processes_are_learned_during_the_learning_period_and_flagged_after_it()
    {
        using var fixture = new AnomalyFixture(LearnForAnHour);
        fixture.Record(Access(MondayMorning));
        fixture.Record(Access(MondayMorning.AddMinutes(59), host: "web-2"));

        fixture.Record(Access(AfterLearning)); // known
        fixture.Record(Access(AfterLearning, host: "web-2")); // learned
        fixture.Record(Access(AfterLearning, process: "api[555]")); // same process name after a restart
        Assert.Empty(fixture.Raised);

        fixture.Record(Access(AfterLearning, identity: "other-identity"));
        fixture.Record(Access(AfterLearning, user: "mallory"));
        fixture.Record(Access(AfterLearning, host: "laptop-17"));
        fixture.Record(Access(AfterLearning, process: "python3[31337]"));
        fixture.Record(Access(AfterLearning.AddMinutes(1), host: "laptop-17")); // now known

        Assert.Equal([SecretAnomalyKind.NewPrincipal, SecretAnomalyKind.NewPrincipal, SecretAnomalyKind.NewHost, SecretAnomalyKind.NewProcess], fixture.Kinds);
        var descriptions = fixture.Raised.Select(anomaly => anomaly.Description).ToArray();
        Assert.Contains("other-identity", descriptions[0], StringComparison.Ordinal);
        Assert.Contains("mallory", descriptions[1], StringComparison.Ordinal);
        Assert.Contains("laptop-17", descriptions[2], StringComparison.Ordinal);
        Assert.Contains("python3", descriptions[3], StringComparison.Ordinal);
        Assert.DoesNotContain("31337", descriptions[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Accessors_are_tracked_per_secret()
    {
        using var fixture = new AnomalyFixture(LearnForAnHour);
        fixture.Record(Access(MondayMorning, secret: "db", host: "web-1"));
        fixture.Record(Access(MondayMorning, secret: "api-key", host: "batch-1"));

        fixture.Record(Access(AfterLearning, secret: "db", host: "batch-1"));

        Assert.Equal([SecretAnomalyKind.NewHost], fixture.Kinds);
        Assert.Equal("db", fixture.Raised.Single().Record.SecretName);
    }

    [Fact]
    public void New_accessor_detection_can_be_turned_off()
    {
        using var fixture = new AnomalyFixture(options => (options.DetectNewAccessors, options.LearningPeriod) = (false, TimeSpan.Zero));

        fixture.Record(Access(AfterLearning, identity: "someone-else", host: "elsewhere"));

        Assert.Empty(fixture.Raised);
    }

    [Fact]
    public void A_burst_of_reads_of_one_secret_is_flagged_once_within_the_window()
    {
        using var fixture = new AnomalyFixture(options => options.SecretBurstThreshold = 3);
        for (var i = 0; i < 3; i++)
        {
            fixture.Record(Access(MondayMorning.AddSeconds(i * 10)));
        }

        Assert.Empty(fixture.Raised);

        fixture.Record(Access(MondayMorning.AddSeconds(59)));
        fixture.Record(Access(MondayMorning.AddSeconds(59)));

        Assert.Equal([SecretAnomalyKind.SecretBurst], fixture.Kinds);
        Assert.Contains("More than 3 accesses of memory:db within 00:01:00", fixture.Raised.Single().Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_spread_beyond_the_window_are_not_a_burst()
    {
        using var fixture = new AnomalyFixture(options => options.SecretBurstThreshold = 3);

        for (var i = 0; i < 20; i++)
        {
            fixture.Record(Access(MondayMorning.AddSeconds(i * 20))); // at most 3 in any 60 s
        }

        Assert.Empty(fixture.Raised);
    }

    [Fact]
    public void Records_out_of_order_are_measured_over_their_whole_span()
    {
        using var fixture = new AnomalyFixture(options => options.SecretBurstThreshold = 3);
        fixture.Record(Access(MondayMorning, secret: "spread"));
        fixture.Record(Access(MondayMorning.AddMinutes(2), secret: "spread"));
        fixture.Record(Access(MondayMorning.AddMinutes(4), secret: "spread"));
        fixture.Record(Access(MondayMorning.AddSeconds(10), secret: "spread")); // late, but the four span 4 minutes

        fixture.Record(Access(MondayMorning, secret: "tight"));
        fixture.Record(Access(MondayMorning.AddSeconds(2), secret: "tight"));
        fixture.Record(Access(MondayMorning.AddSeconds(3), secret: "tight"));
        fixture.Record(Access(MondayMorning.AddSeconds(1), secret: "tight")); // late: four within 3 seconds

        var anomaly = Assert.Single(fixture.Raised);
        Assert.Equal(("tight", SecretAnomalyKind.SecretBurst), (anomaly.Record.SecretName, anomaly.Kind));
    }

    [Fact]
    public void Cache_hits_count_towards_bursts_only_when_configured()
    {
        using var fixture = new AnomalyFixture(options =>
        {
            options.SecretBurstThreshold = 3;
            options.AnalyzedAccessKinds.Add(SecretAccessKind.CacheHit);
        });

        Assert.True(fixture.Sink.IsEnabled(SecretAccessKind.CacheHit, SecretAuditOutcome.Success));
        for (var i = 0; i < 4; i++)
        {
            fixture.Record(Access(MondayMorning, kind: SecretAccessKind.CacheHit));
        }

        Assert.Equal([SecretAnomalyKind.SecretBurst], fixture.Kinds);
    }

    [Fact]
    public void A_burst_by_one_principal_across_secrets_is_flagged()
    {
        using var fixture = new AnomalyFixture(options => options.PrincipalBurstThreshold = 5);
        for (var i = 0; i < 5; i++)
        {
            fixture.Record(Access(MondayMorning, secret: "s" + i));
            fixture.Record(Access(MondayMorning, secret: "s" + i, user: "other")); // another principal, counted apart
        }

        Assert.Empty(fixture.Raised);

        fixture.Record(Access(MondayMorning.AddSeconds(30), secret: "s9"));

        Assert.Equal([SecretAnomalyKind.PrincipalBurst], fixture.Kinds);
        Assert.Contains("identity app-identity, user svc", fixture.Raised.Single().Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Bursts_can_be_turned_off()
    {
        using var fixture = new AnomalyFixture(options =>
        {
            options.DetectBursts = false;
            options.SecretBurstThreshold = 1;
            options.PrincipalBurstThreshold = 1;
        });

        for (var i = 0; i < 10; i++)
        {
            fixture.Record(Access(MondayMorning));
        }

        Assert.Empty(fixture.Raised);
    }

    [Fact]
    public void Repeated_denied_or_missing_accesses_by_one_principal_are_flagged_as_probing()
    {
        using var fixture = new AnomalyFixture();
        fixture.Record(Access(MondayMorning, secret: "a", outcome: SecretAuditOutcome.AccessDenied));
        fixture.Record(Access(MondayMorning, secret: "b", outcome: SecretAuditOutcome.NotFound));
        fixture.Record(Access(MondayMorning, secret: "b", kind: SecretAccessKind.CacheHit, outcome: SecretAuditOutcome.NotFound));
        fixture.Record(Access(MondayMorning, secret: "c", kind: SecretAccessKind.Metadata, outcome: SecretAuditOutcome.AccessDenied));
        fixture.Record(Access(MondayMorning, secret: "d", outcome: SecretAuditOutcome.Unavailable)); // not probing
        fixture.Record(Access(MondayMorning, secret: "e", outcome: SecretAuditOutcome.AccessDenied));
        fixture.Record(Access(MondayMorning, secret: "ok"));
        Assert.Empty(fixture.Raised);

        fixture.Record(Access(MondayMorning.AddSeconds(59), secret: "f", outcome: SecretAuditOutcome.AccessDenied));

        var anomaly = Assert.Single(fixture.Raised);
        Assert.Equal(SecretAnomalyKind.RepeatedFailures, anomaly.Kind);
        Assert.Equal("f", anomaly.Record.SecretName);
        Assert.Contains("More than 5 failed accesses", anomaly.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Failures_spread_beyond_the_window_are_not_flagged()
    {
        using var fixture = new AnomalyFixture();

        for (var i = 0; i < 30; i++)
        {
            fixture.Record(Access(MondayMorning.AddSeconds(i * 15), outcome: SecretAuditOutcome.NotFound)); // 4 per minute
        }

        Assert.Empty(fixture.Raised);
    }

    [Fact]
    public void Tracked_secrets_are_bounded_and_a_forgotten_secret_is_judged_against_all_secrets()
    {
        using var fixture = new AnomalyFixture(options => (options.MaxTrackedSecrets, options.LearningPeriod) = (10, TimeSpan.FromHours(1)));
        fixture.Record(Access(MondayMorning, secret: "s0", host: "web-1"));
        for (var i = 1; i < 100; i++)
        {
            fixture.Record(Access(MondayMorning.AddSeconds(i), secret: "s" + i, host: "web-2"));
        }

        Assert.InRange(fixture.Sink.TrackedSecretCount, 1, 10);

        // s99 is still tracked: web-1 never read it.
        fixture.Record(Access(AfterLearning, secret: "s99", host: "web-1"));
        Assert.Equal([SecretAnomalyKind.NewHost], fixture.Kinds);

        // s0 was forgotten: web-2, known for other secrets, is not flagged for it; a stranger is.
        fixture.Record(Access(AfterLearning, secret: "s0", host: "web-2"));
        fixture.Record(Access(AfterLearning, secret: "s0", host: "laptop-17"));
        Assert.Equal([SecretAnomalyKind.NewHost, SecretAnomalyKind.NewHost], fixture.Kinds);
        Assert.Equal("laptop-17", fixture.Raised.Last().Record.Host);
    }

    [Fact]
    public void A_secret_first_read_after_learning_is_flagged_only_for_accessors_unknown_across_secrets()
    {
        using var fixture = new AnomalyFixture(LearnForAnHour);
        fixture.Record(Access(MondayMorning, secret: "db"));

        fixture.Record(Access(AfterLearning, secret: "feature-flags")); // the known application, lazily reading another secret
        Assert.Empty(fixture.Raised);
        fixture.Record(Access(AfterLearning, secret: "payroll", identity: "intruder", host: "laptop-17", process: "curl[9]"));

        Assert.Equal([SecretAnomalyKind.NewPrincipal, SecretAnomalyKind.NewHost, SecretAnomalyKind.NewProcess], fixture.Kinds);
    }

    [Fact]
    public void Accessors_per_secret_are_bounded_and_the_least_recently_seen_is_forgotten()
    {
        using var fixture = new AnomalyFixture(options => (options.MaxAccessorsPerSecret, options.LearningPeriod) = (2, TimeSpan.FromHours(1)));
        fixture.Record(Access(MondayMorning, host: "h1"));
        fixture.Record(Access(MondayMorning.AddSeconds(1), host: "h2"));
        fixture.Record(Access(MondayMorning.AddSeconds(2), host: "h3"));

        fixture.Record(Access(AfterLearning, host: "h3"));
        fixture.Record(Access(AfterLearning, host: "h2"));
        Assert.Empty(fixture.Raised);
        fixture.Record(Access(AfterLearning, host: "h1"));

        Assert.Equal([SecretAnomalyKind.NewHost], fixture.Kinds);
    }

    [Fact]
    public void Tracked_principals_are_bounded()
    {
        using var fixture = new AnomalyFixture(options => options.MaxTrackedPrincipals = 5);

        for (var i = 0; i < 200; i++)
        {
            fixture.Record(Access(MondayMorning.AddSeconds(i), user: "user" + i, outcome: SecretAuditOutcome.NotFound));
        }

        Assert.InRange(fixture.Sink.TrackedPrincipalCount, 1, 5);
    }

    [Fact]
    public async Task Concurrent_records_keep_exact_counts_and_report_a_burst_once()
    {
        using var fixture = new AnomalyFixture(options =>
        {
            options.SecretBurstThreshold = 1_000;
            options.PrincipalBurstThreshold = 0;
        });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                fixture.Record(Access(MondayMorning, secret: "shared"));
                fixture.Record(Access(MondayMorning, secret: $"own-{worker}"));
            }
        })));

        // 2,000 reads of "shared" in one instant: one burst, reported once; 500 of each other secret: none.
        var anomaly = Assert.Single(fixture.Raised);
        Assert.Equal(("shared", SecretAnomalyKind.SecretBurst), (anomaly.Record.SecretName, anomaly.Kind));
        Assert.Equal(4_000, fixture.Recording.Records.Count);
        Assert.Equal(5, fixture.Sink.TrackedSecretCount);
    }

    [Fact]
    public void Each_anomaly_is_logged_as_a_warning_counted_by_kind_raised_and_given_to_the_anomaly_sinks()
    {
        using var fixture = new AnomalyFixture(LearnForAnHour);
        fixture.Record(Access(MondayMorning));

        fixture.Record(Access(MondayMorning.AddDays(5), host: "laptop-17"));

        Assert.Equal([SecretAnomalyKind.OffHours, SecretAnomalyKind.NewHost], fixture.Kinds);
        Assert.Equal(fixture.Raised, fixture.AnomalySink.Anomalies);
        var measurements = fixture.Counter.GetMeasurementSnapshot();
        Assert.Equal(["OffHours", "NewHost"], measurements.Select(measurement => measurement.Tags["kind"]));
        Assert.All(measurements, measurement => Assert.Equal(1, measurement.Value));
        var logs = fixture.Logs.GetSnapshot().Where(log => log.Category == AnomalyDetectingAuditSink.CategoryName).ToArray();
        Assert.Equal(2, logs.Length);
        Assert.All(logs, log => Assert.Equal(LogLevel.Warning, log.Level));
        Assert.Contains("NewHost", logs[1].Message, StringComparison.Ordinal);
        Assert.Contains("laptop-17", logs[1].Message, StringComparison.Ordinal);
        Assert.Contains(logs[1].StructuredState!, pair => pair.Key == "SecretName" && pair.Value == "db");
    }

    [Fact]
    public void A_failing_handler_or_sink_is_logged_and_neither_breaks_the_read_nor_hides_the_anomaly_from_others()
    {
        using var fixture = new AnomalyFixture(start: MondayMorning.AddDays(-1));
        var later = new List<SecretAnomaly>();
        fixture.Sink.AnomalyDetected += (_, _) => throw new InvalidOperationException("handler bug");
        fixture.Sink.AnomalyDetected += (_, anomaly) => later.Add(anomaly);

        fixture.Record(Access(MondayMorning.AddDays(5)));

        Assert.Single(later);
        Assert.Single(fixture.AnomalySink.Anomalies);
        Assert.Single(fixture.Recording.Records);
        Assert.Contains(fixture.Logs.GetSnapshot(), log => log.Level == LogLevel.Error && log.Exception is InvalidOperationException);
    }

    [Fact]
    public void The_inner_sink_failing_still_lets_the_record_be_analysed()
    {
        using var fixture = new AnomalyFixture(inner: new ThrowingSink(), start: MondayMorning.AddDays(-1));

        Assert.Throws<InvalidOperationException>(() => fixture.Record(Access(MondayMorning.AddDays(5))));

        Assert.Equal([SecretAnomalyKind.OffHours], fixture.Kinds);
    }

    [Fact]
    public void Invalid_options_are_rejected_once_with_every_problem_named()
    {
        var options = new SecretAnomalyOptions
        {
            BurstWindow = TimeSpan.Zero,
            SecretBurstThreshold = -1,
            MaxTrackedSecrets = 0,
            LearningPeriod = TimeSpan.FromSeconds(-1),
            TimeZone = null!,
        };
        options.AnalyzedAccessKinds.Add((SecretAccessKind)99);

        var error = Assert.Throws<OptionsValidationException>(() => new AnomalyDetectingAuditSink(new RecordingAuditSink(), options));

        Assert.Contains("SecretAnomalyOptions.BurstWindow must be positive.", error.Failures);
        Assert.Contains(error.Failures, failure => failure.StartsWith("SecretAnomalyOptions.SecretBurstThreshold", StringComparison.Ordinal));
        Assert.Contains("SecretAnomalyOptions.MaxTrackedSecrets must be positive.", error.Failures);
        Assert.Contains("SecretAnomalyOptions.LearningPeriod must not be negative.", error.Failures);
        Assert.Contains("SecretAnomalyOptions.TimeZone must be set.", error.Failures);
        Assert.Contains("SecretAnomalyOptions.AnalyzedAccessKinds must hold only defined access kinds.", error.Failures);
    }

    [Fact]
    public void Options_are_copied_so_later_changes_have_no_effect()
    {
        using var fixture = new AnomalyFixture(start: MondayMorning.AddDays(-1));
        fixture.Options.DetectOffHours = false;
        fixture.Options.WorkingDays.Clear();

        fixture.Record(Access(MondayMorning.AddDays(5)));
        fixture.Record(Access(MondayMorning, secret: "weekday"));

        Assert.Equal([SecretAnomalyKind.OffHours], fixture.Kinds);
    }

    private sealed class SelectiveSink((SecretAccessKind Kind, SecretAuditOutcome Outcome) wanted) : ISecretAuditSink
    {
        public List<SecretAuditRecord> Received { get; } = [];

        public bool IsEnabled(SecretAccessKind kind, SecretAuditOutcome outcome) => (kind, outcome) == wanted;

        public void Record(in SecretAuditRecord record) => Received.Add(record);
    }

    private sealed class ThrowingSink : ISecretAuditSink
    {
        public void Record(in SecretAuditRecord record) => throw new InvalidOperationException("inner sink down");
    }
}

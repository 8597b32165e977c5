using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Tests.Audit.Anomalies;

public class SecretAuditAnomalyServiceCollectionExtensionsTests
{
    private static readonly DateTimeOffset Saturday = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<bool> Orders => new() { true, false };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task The_store_audits_through_the_detector_whether_it_is_added_before_or_after_the_store(bool detectionFirst)
    {
        var anomalies = new RecordingAnomalySink();
        var services = NewServices(anomalies);
        if (detectionFirst)
        {
            services.AddSecretAuditAnomalyDetection();
            AddStore(services);
        }
        else
        {
            AddStore(services);
            services.AddSecretAuditAnomalyDetection();
        }

        await using var container = services.BuildServiceProvider();
        await container.GetRequiredService<ISecretStore>().GetSecretAsync("memory://db");

        var sink = Assert.IsType<AnomalyDetectingAuditSink>(container.GetRequiredService<ISecretAuditSink>());
        Assert.Same(sink, container.GetRequiredService<AnomalyDetectingAuditSink>());
        Assert.IsType<LoggerSecretAuditSink>(sink.InnerSink);
        Assert.Equal(SecretAnomalyKind.OffHours, Assert.Single(anomalies.Anomalies).Kind);
        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(ISecretAuditSink));
    }

    [Fact]
    public async Task A_custom_sink_instance_registered_first_is_decorated_and_still_gets_every_record()
    {
        var recording = new RecordingAuditSink();
        var services = NewServices(new RecordingAnomalySink());
        services.AddSingleton<ISecretAuditSink>(recording);
        services.AddSecretAuditAnomalyDetection();
        AddStore(services);

        await using var container = services.BuildServiceProvider();
        var store = container.GetRequiredService<ISecretStore>();
        await store.GetSecretAsync("memory://db");
        await store.GetSecretAsync("memory://db");

        Assert.Same(recording, container.GetRequiredService<AnomalyDetectingAuditSink>().InnerSink);
        Assert.Equal([SecretAccessKind.Fetch, SecretAccessKind.CacheHit], recording.Records.Select(record => record.Kind));
    }

    [Fact]
    public void A_sink_registered_by_type_or_factory_is_built_by_the_container_and_decorated()
    {
        var byType = new ServiceCollection().AddSingleton<ISecretAuditSink, RecordingAuditSink>().AddSecretAuditAnomalyDetection();
        var byFactory = new ServiceCollection().AddSingleton<ISecretAuditSink>(_ => new RecordingAuditSink()).AddSecretAuditAnomalyDetection();

        using var typed = byType.BuildServiceProvider();
        using var factored = byFactory.BuildServiceProvider();

        Assert.IsType<RecordingAuditSink>(typed.GetRequiredService<AnomalyDetectingAuditSink>().InnerSink);
        Assert.IsType<RecordingAuditSink>(factored.GetRequiredService<AnomalyDetectingAuditSink>().InnerSink);
    }

    [Fact]
    public async Task Calling_it_twice_decorates_once_and_applies_both_configurations()
    {
        var anomalies = new RecordingAnomalySink();
        var services = NewServices(anomalies);
        services.AddSecretAuditAnomalyDetection(options => options.WorkingDays.Add(DayOfWeek.Saturday));
        AddStore(services);
        services.AddSecretAuditAnomalyDetection(options => options.WorkingHoursStart = new TimeOnly(10, 0));

        await using var container = services.BuildServiceProvider();
        await container.GetRequiredService<ISecretStore>().GetSecretAsync("memory://db");

        Assert.IsType<LoggerSecretAuditSink>(container.GetRequiredService<AnomalyDetectingAuditSink>().InnerSink);
        var anomaly = Assert.Single(anomalies.Anomalies); // Saturday is a working day now, but 09:00 is before 10:00
        Assert.Equal(SecretAnomalyKind.OffHours, anomaly.Kind);
        Assert.Contains("10:00-18:00", anomaly.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_fail_when_the_sink_is_built()
    {
        var services = new ServiceCollection().AddSecretAuditAnomalyDetection(options => options.BurstWindow = TimeSpan.Zero);
        using var container = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => container.GetRequiredService<ISecretAuditSink>());

        Assert.Contains("SecretAnomalyOptions.BurstWindow must be positive.", error.Failures);
    }

    private static ServiceCollection NewServices(ISecretAnomalySink anomalies)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(Saturday));
        services.AddSingleton(anomalies);
        return services;
    }

    private static void AddStore(IServiceCollection services)
    {
        var provider = new InMemorySecretProvider();
        provider.Set("db", Canary.Value);
        services.AddSecretStore(secrets => secrets.AddProvider(provider));
    }
}

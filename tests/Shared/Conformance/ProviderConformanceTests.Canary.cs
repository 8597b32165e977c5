using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Tests.Conformance;

/// <summary>The canary scan, for every adapter: a value never reaches a log, trace, metric, exception or ToString.</summary>
public abstract partial class ProviderConformanceTests
{
    private const string Canary = "CANARY-5e1b77-conformance";

    [Fact]
    public async Task A_canary_value_never_reaches_logs_traces_metrics_or_exceptions()
    {
        using var capture = new TelemetryCapture("Secrets.Client");
        var collector = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));
        Backend.Seed("conf-canary", Canary);
        Backend.Seed("conf-canary-json", $$"""{"password":"{{Canary}}"}""");
        var refused = Backend.SeedRefusedSecrets(Canary);
        var settings = new ConformanceProviderSettings
        {
            LoggerFactory = loggerFactory,
            RotationValue = Canary + "-rotated",
            Configure = o => o.Resilience.MaxRetryAttempts = 0,
        };
        await using var store = CreateStore(settings, loggerFactory: loggerFactory);
        var errors = new List<Exception>();

        var secret = await store.GetSecretAsync(Backend.ValueReference("conf-canary"));
        var field = await store.GetSecretAsync(Backend.Reference("conf-canary-json") + "#password");
        Assert.Equal(Canary, secret.Value.ExposeAsString());
        Assert.Equal(Canary, field.Value.ExposeAsString());
        capture.Add(secret.ToString());
        capture.Add(secret.Value.ToString());
        capture.Add(field.ToString());
        using (var value = SecretValue.FromText(Canary + "-written"))
        {
            capture.Add((await store.SetSecretAsync(SecretReference.Parse(Backend.Reference("conf-canary")), value)).ToString());
        }

        capture.Add((await store.RotateSecretAsync(SecretReference.Parse(Backend.Reference("conf-canary")))).ToString());
        capture.Add((await store.GetSecretPropertiesAsync(SecretReference.Parse(Backend.Reference("conf-canary")))).ToString());
        foreach (var reference in refused.Append(Backend.ValueReference("conf-canary-missing")).Append(Backend.Reference("conf-canary-json") + "#nope"))
        {
            errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => store.GetSecretAsync(reference).AsTask()));
        }

        Backend.Faults.ThrottleNext(1);
        errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => store.GetSecretAsync(Backend.ValueReference("conf-canary-throttled")).AsTask()));
        Backend.Faults.FailNext(1);
        errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => store.GetSecretAsync(Backend.ValueReference("conf-canary-failed")).AsTask()));
        await foreach (var item in store.ListSecretsAsync(Backend.ProviderName, Backend.ListPrefix))
        {
            capture.Add(item.ToString());
        }

        capture.Add(store.ToString());
        foreach (var record in collector.GetSnapshot())
        {
            capture.Add(record.Message);
            capture.Add(record.Exception?.ToString());
            foreach (var (key, value) in record.StructuredState ?? [])
            {
                capture.Add($"{key}={value}");
            }
        }

        errors.ForEach(error => capture.Add(error.ToString()));

        Assert.NotEmpty(collector.GetSnapshot());
        Assert.True(capture.Measurements > 0, "No metric was recorded, so the scan saw none.");
        Assert.Contains(capture.Texts, t => t.Contains("conf-canary", StringComparison.Ordinal));
        Assert.DoesNotContain(capture.Texts, t => t.Contains("CANARY", StringComparison.Ordinal));
    }
}

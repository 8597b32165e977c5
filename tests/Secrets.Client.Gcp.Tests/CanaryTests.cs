using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Gcp.Tests;

/// <summary>A canary value goes through every path of the provider and must never reach a log, trace, metric or exception.</summary>
public sealed class CanaryTests
{
    private const string Canary = "CANARY-7f3a9c-e52b-gcp";

    [Fact]
    public async Task Canary_never_reaches_logs_traces_metrics_or_exceptions()
    {
        using var capture = new TelemetryCapture("Secrets.Client");
        var collector = new FakeLogCollector();
        using var logger = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));

        await using var sm = await GcpHarness.StartAsync();
        sm.Emulator.AddVersion("disabled", Canary);
        sm.Emulator.DisableVersion("disabled", 1);
        sm.Emulator.AddVersion("prod", Canary);
        sm.Emulator.SetLabels("prod", new Dictionary<string, string> { ["environment"] = "production" });
        sm.Emulator.AddVersion("tampered", Canary);
        await using var provider = sm.CreateProvider(
            o =>
            {
                o.RotationValueGenerator = (_, _) => ValueTask.FromResult(SecretValue.FromText(Canary + "-rotated"));
                o.EnvironmentLabelName = "environment";
            },
            logger);
        var errors = new List<Exception>();

        using (var value = SecretValue.FromText(Canary))
        {
            capture.Add((await provider.SetSecretAsync("db", value)).ToString());
        }

        using (var secret = await provider.GetSecretAsync(SecretReference.Parse("gcp-sm://db")))
        {
            Assert.Equal(Canary, secret.Value.ExposeAsString());
            capture.Add(secret.ToString());
            capture.Add(secret.Value.ToString());
        }

        capture.Add((await provider.RotateSecretAsync(SecretReference.Parse("gcp-sm://db"))).ToString());
        foreach (var name in new[] { "disabled", "prod", "missing" })
        {
            errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://" + name)).AsTask()));
        }

        sm.Emulator.CorruptChecksums = true;
        errors.Add(await Assert.ThrowsAsync<SecretIntegrityException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://tampered")).AsTask()));
        sm.Emulator.CorruptChecksums = false;
        sm.Emulator.Faults.ThrottleNext(1);
        errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://db")).AsTask()));
        sm.Emulator.Faults.FailNext(1);
        errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://db")).AsTask()));
        await foreach (var item in provider.ListSecretsAsync())
        {
            capture.Add(item.ToString());
        }

        foreach (var record in collector.GetSnapshot())
        {
            capture.Add(record.Message);
            capture.Add(record.Exception?.ToString() ?? string.Empty);
            foreach (var (key, value) in record.StructuredState ?? [])
            {
                capture.Add($"{key}={value}");
            }
        }

        foreach (var error in errors)
        {
            capture.Add(error.ToString());
        }

        Assert.Contains(collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains(capture.Texts, t => t.Contains("tampered", StringComparison.Ordinal));
        Assert.DoesNotContain(capture.Texts, t => t.Contains("CANARY", StringComparison.Ordinal));
    }
}

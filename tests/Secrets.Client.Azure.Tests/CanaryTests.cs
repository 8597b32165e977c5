using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using Azure.Core.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Secrets.Client.Azure.Tests;

/// <summary>A canary value goes through every path of the provider and must never reach a log, trace, metric or exception.</summary>
public sealed class CanaryTests
{
    private const string Canary = "CANARY-7f3a9c-d41e-azure";

    [Fact]
    public async Task Canary_never_reaches_logs_traces_metrics_or_exceptions()
    {
        var texts = new ConcurrentBag<string>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Secrets.Client", StringComparison.Ordinal) || source.Name.StartsWith("Azure", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                texts.Add(activity.DisplayName);
                texts.Add(activity.StatusDescription ?? string.Empty);
                foreach (var tag in activity.TagObjects)
                {
                    texts.Add($"{tag.Key}={tag.Value}");
                }

                foreach (var e in activity.Events)
                {
                    texts.Add(e.Name);
                    foreach (var tag in e.Tags)
                    {
                        texts.Add($"{tag.Key}={tag.Value}");
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(activities);
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Secrets.Client.Azure")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) => AddTags(texts, tags));
        meters.SetMeasurementEventCallback<double>((_, _, tags, _) => AddTags(texts, tags));
        meters.Start();
        using var sdkEvents = new AzureEventSourceListener((e, message) => texts.Add(message), EventLevel.Verbose);
        var collector = new FakeLogCollector();
        using var logger = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));

        await using var vault = await KeyVaultHarness.StartAsync();
        vault.Emulator.SetSecret("disabled", Canary, enabled: false);
        vault.Emulator.SetSecret("prod", Canary, tags: new Dictionary<string, string> { ["environment"] = "Production" });
        vault.Emulator.SetSecret("bad-b64", Canary, contentType: "application/x-pkcs12");
        await using var provider = vault.CreateProvider(
            o => o.RotationValueGenerator = (_, _) => ValueTask.FromResult(SecretValue.FromText(Canary + "-rotated")),
            logger);
        var errors = new List<Exception>();

        using (var value = SecretValue.FromText(Canary))
        {
            texts.Add((await provider.SetSecretAsync("main/db", value)).ToString());
        }

        using (var secret = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db")))
        {
            Assert.Equal(Canary, secret.Value.ExposeAsString());
            texts.Add(secret.ToString());
            texts.Add(secret.Value.ToString());
        }

        texts.Add((await provider.RotateSecretAsync(SecretReference.Parse("azure-kv://main/db"))).ToString());
        foreach (var name in new[] { "disabled", "prod", "bad-b64", "missing" })
        {
            errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/" + name)).AsTask()));
        }

        vault.Emulator.Faults.ThrottleNext(1);
        errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db")).AsTask()));
        vault.Emulator.Faults.FailNext(1);
        errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://main/db")).AsTask()));
        await foreach (var result in provider.LoadSecretsAsync())
        {
            texts.Add(result.ToString());
            errors.AddRange(result.Error is { } error ? [error] : []);
            result.Secret?.Dispose();
        }

        foreach (var record in collector.GetSnapshot())
        {
            texts.Add(record.Message);
            texts.Add(record.Exception?.ToString() ?? string.Empty);
            foreach (var (key, value) in record.StructuredState ?? [])
            {
                texts.Add($"{key}={value}");
            }
        }

        foreach (var error in errors)
        {
            texts.Add(error.ToString());
        }

        Assert.NotEmpty(collector.GetSnapshot());
        Assert.Contains(collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains(texts, t => t.Contains("main/db", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("CANARY", StringComparison.Ordinal));
    }

    private static void AddTags(ConcurrentBag<string> texts, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            texts.Add($"{tag.Key}={tag.Value}");
        }
    }
}

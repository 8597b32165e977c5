using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Secrets.Client.Testing;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

/// <summary>A canary value goes through every operation and error path; no log, trace, metric or exception may show it.</summary>
public sealed class CanaryTests
{
    [Fact]
    public async Task The_canary_never_reaches_a_log_trace_metric_or_exception()
    {
        var texts = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Secrets.Client.Aws",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (texts)
                {
                    texts.Add(activity.DisplayName + " " + activity.StatusDescription);
                    texts.AddRange(activity.TagObjects.Select(t => $"{t.Key}={t.Value}"));
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Secrets.Client.Transport.SecretProviderMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        var measurements = 0;
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) => Record(tags));
        meters.SetMeasurementEventCallback<double>((_, _, tags, _) => Record(tags));
        meters.Start();

        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("canary/text", Canary);
        emulator.CreateSecret("canary/json", $$"""{"password":"{{Canary}}"}""");
        emulator.CreateSecret("canary/binary", Utf8(Canary + "\u00ff"));
        emulator.PutSecretValue("canary/text", Canary + "-2");
        await using var provider = new AwsSecretsManagerSecretProvider(
            new AwsSecretsManagerSecretProviderOptions
            {
                Region = emulator.Region,
                Endpoint = emulator.Endpoint,
                Credentials = new Amazon.Runtime.BasicAWSCredentials(emulator.AccessKeyId, emulator.SecretAccessKey),
            },
            loggerFactory);

        using (var secret = await provider.GetSecretAsync(Ref("canary/text")))
        {
            texts.Add(secret.ToString());
            texts.Add(secret.Value.ToString());
            texts.Add(secret.Properties.ToString());
            texts.Add(System.Text.Json.JsonSerializer.Serialize(secret));
        }

        using (var json = await provider.GetSecretAsync(Ref("canary/json")))
        using (var field = json.Value.GetJsonField("password"))
        {
            texts.Add(field.ToString());
        }

        foreach (var result in await provider.GetSecretsAsync([Ref("canary/text"), Ref("canary/binary"), Ref("canary/missing")]))
        {
            texts.Add(result.ToString());
            texts.Add(result.Error?.ToString() ?? string.Empty);
            result.Secret?.Dispose();
        }

        using (var value = SecretValue.FromText(Canary + "-set"))
        {
            texts.Add((await provider.SetSecretAsync("canary/text", value)).ToString());
        }

        await using (var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" }))
        {
            texts.Add((await store.GetRotationWindowAsync(Ref("canary/text"))).ToString());
        }

        await foreach (var listed in provider.ListSecretsAsync("canary/"))
        {
            texts.Add(listed.ToString());
        }

        emulator.Faults.ThrottleNext(1);
        texts.Add((await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(Ref("canary/text")).AsTask())).ToString());
        emulator.Faults.DropNext(1);
        texts.Add((await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(Ref("canary/text")).AsTask())).ToString());
        await using (var badKey = CreateProvider(emulator, o => o.Credentials = new Amazon.Runtime.BasicAWSCredentials(emulator.AccessKeyId, "bad")))
        {
            texts.Add((await Assert.ThrowsAsync<SecretAccessDeniedException>(() => badKey.SetSecretAsync("canary/text", SecretValue.FromText(Canary)).AsTask())).ToString());
        }

        texts.AddRange(logs.GetSnapshot().Select(r => r.Message + " " + r.Exception + " " + string.Join(",", r.StructuredState?.Select(s => s.Value) ?? [])));
        meters.RecordObservableInstruments();

        Assert.NotEmpty(logs.GetSnapshot());
        Assert.True(measurements > 0);
        Assert.Contains(texts, t => t.Contains("rpc.method=GetSecretValue", StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("CANARY-7f3a9c", t, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain(emulator.SecretAccessKey, t, StringComparison.Ordinal));

        void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (texts)
            {
                measurements++;
                foreach (var tag in tags)
                {
                    texts.Add($"{tag.Key}={tag.Value}");
                }
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Secrets.Client.Tests.Stress;

/// <summary>
/// The store under 30% injected faults, 0-50 ms latency and rotations every few milliseconds, all in simulated time:
/// readers never see an older version after a newer one, no task exception goes unobserved (cancelled reads included),
/// the breaker stays closed on random faults and opens within seconds of a full outage.
/// </summary>
public class StoreStressTests
{
    private const int Secrets = 10;

    [Fact]
    public async Task Under_random_faults_and_rotations_reads_are_monotonic_nothing_is_unobserved_and_the_breaker_opens_only_on_an_outage()
    {
        using var unobserved = new UnobservedTaskExceptions("stress");
        var result = await RunAsync(unobserved.Tag);

        Assert.True(result.Reads > 2_000, $"only {result.Reads} reads completed");
        Assert.Equal(0, result.OlderAfterNewer);
        Assert.Equal(0, result.BreakerOpenBeforeOutage);
        Assert.NotNull(result.BreakerOpenedAfter);
        Assert.True(result.BreakerOpenedAfter <= TimeSpan.FromSeconds(5), $"the breaker opened {result.BreakerOpenedAfter} into the outage");
        Assert.Equal(0, await unobserved.CountAfterFullGcsAsync());
    }

    private static async Task<StressResult> RunAsync(string tag)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        var random = new Random(20261128);
        var outage = 0;
        var providerOptions = new SecretProviderOptions();
        providerOptions.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
        providerOptions.Resilience.AttemptTimeout = TimeSpan.FromSeconds(1);

        // The breaker opens once failures are CircuitBreakerFailureRatio of the logical calls in the sampling window.
        providerOptions.Resilience.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(5);
        var provider = new ScriptedSecretProvider(time, providerOptions, batchSize: 5)
        {
            Fault = (kind, name) => Volatile.Read(ref outage) == 1 || Next(random) < 0.3 ? new SecretUnavailableException("fake", name, "Injected fault.") : null,
            Latency = ct => Task.Delay(TimeSpan.FromMilliseconds(Next(random) * 50), time, ct),
        };
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Warning).AddProvider(new FakeLoggerProvider(logs)));
        var options = new SecretStoreOptions
        {
            Environment = "Test",
            CacheDuration = TimeSpan.FromMilliseconds(300),
            FailedRefreshRetryInterval = TimeSpan.FromMilliseconds(100),
            StaleFallbackDelay = TimeSpan.FromMilliseconds(100),
            ReadTimeout = TimeSpan.FromSeconds(5),
            EvictionGracePeriod = TimeSpan.FromMilliseconds(50),
            Randomizer = () => Next(random),
        };
        await using var store = new SecretStore([provider], options, time, loggerFactory);
        var names = Enumerable.Range(0, Secrets).Select(i => $"{tag}-{i}").ToArray();
        foreach (var name in names)
        {
            provider.Set(name, "v");
        }

        var newest = new ConcurrentDictionary<string, int>();
        var reads = 0;
        var olderAfterNewer = 0;
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 8).Select(reader => Task.Run(async () =>
        {
            var mine = new Random(reader);
            while (!stop.IsCancellationRequested)
            {
                var name = names[mine.Next(Secrets)];
                var floor = newest.GetValueOrDefault(name);
                using var cancel = mine.Next(10) == 0 ? new CancellationTokenSource(TimeSpan.FromMilliseconds(mine.Next(1, 30)), time) : null;
                try
                {
                    var secret = await store.GetSecretAsync(ScriptedStoreFixture.Ref(name), cancel?.Token ?? default);
                    var version = int.Parse(secret.Properties.Version!, CultureInfo.InvariantCulture);
                    if (version < floor)
                    {
                        Interlocked.Increment(ref olderAfterNewer);
                    }

                    newest.AddOrUpdate(name, version, (_, seen) => Math.Max(seen, version));
                    Interlocked.Increment(ref reads);
                }
                catch (Exception ex) when (ex is SecretStoreException or OperationCanceledException)
                {
                    // Cold reads may fail on faults; cancelled reads are cancelled.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(1), time);
            }
        })).ToArray();

        // 10 simulated seconds of random faults with a rotation every 3 ms, then a full outage.
        var breakerOpenBeforeOutage = 0;
        TimeSpan? openedAfter = null;
        for (var step = 0; step < 15_000 && openedAfter is null; step++)
        {
            if (step == 10_000)
            {
                breakerOpenBeforeOutage = BreakerLines(logs);
                Volatile.Write(ref outage, 1);
            }

            if (step % 3 == 0 && step < 10_000)
            {
                provider.Set(names[random.Next(Secrets)], "v");
            }

            time.Advance(TimeSpan.FromMilliseconds(1));
            await Task.Yield();
            if (step >= 10_000 && step % 10 == 0 && BreakerLines(logs) > 0)
            {
                openedAfter = TimeSpan.FromMilliseconds(step - 10_000);
            }
        }

        await stop.CancelAsync();
        time.Advance(TimeSpan.FromSeconds(10));
        await Task.WhenAll(readers);
        return new StressResult(reads, olderAfterNewer, breakerOpenBeforeOutage, openedAfter);
    }

    private static int BreakerLines(FakeLogCollector logs) =>
        logs.GetSnapshot().Count(record => record.Message.Contains("circuit breaker is open", StringComparison.Ordinal));

    private static double Next(Random random)
    {
        lock (random)
        {
            return random.NextDouble();
        }
    }

    private sealed record StressResult(int Reads, int OlderAfterNewer, int BreakerOpenBeforeOutage, TimeSpan? BreakerOpenedAfter);
}

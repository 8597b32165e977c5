using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Benchmarks;

/// <summary>
/// How long a change takes to reach <c>IOptionsMonitor</c> with default options. Part 1, real time: rotate-now, a write
/// through the SDK and an invalidation, run round-robin (interleaved) so that machine load falls on all rows alike.
/// Part 2, simulated time: a rotation at the backend only polling can see, at a random moment, against the bound
/// <c>CacheDuration x RefreshAheadRatio + BackgroundRefreshInterval</c> (270 s with defaults).
/// </summary>
internal static class ChangePropagation
{
    public static async Task RunAsync(int rounds)
    {
        await using (var rig = new Rig(TimeProvider.System))
        {
            var rows = new (string Name, Func<Rig, int, Task> Change)[]
            {
                ("RotateSecretAsync (rotate now)", static (rig, _) => rig.Store.RotateSecretAsync(Rig.Reference).AsTask()),
                ("SetSecretAsync (write)", static async (rig, round) =>
                {
                    using var value = SecretValue.FromText($"written-{round}");
                    await rig.Store.SetSecretAsync(Rig.Reference, value);
                }),
                ("backend change + Invalidate", static (rig, round) =>
                {
                    rig.Provider.Set(Rig.Name, $"out-of-band-{round}");
                    rig.Store.Invalidate(Rig.Reference);
                    return Task.CompletedTask;
                }),
            };
            var samples = rows.Select(_ => new List<double>()).ToArray();
            for (var round = 0; round < rounds + 3; round++)
            {
                for (var row = 0; row < rows.Length; row++)
                {
                    var elapsed = await rig.MeasureAsync(() => rows[row].Change(rig, round));
                    if (round >= 3)
                    {
                        samples[row].Add(elapsed.TotalMilliseconds); // the first rounds warm up the JIT
                    }
                }
            }

            Console.WriteLine($"Change -> IOptionsMonitor.OnChange, real time, {rounds} interleaved rounds; load average: {LoadAverage()}");
            Console.WriteLine("| Change | p50 (ms) | p95 (ms) | max (ms) |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            for (var row = 0; row < rows.Length; row++)
            {
                var sorted = samples[row].Order().ToArray();
                Console.WriteLine($"| {rows[row].Name} | {Percentile(sorted, 0.5):0.00} | {Percentile(sorted, 0.95):0.00} | {sorted[^1]:0.00} |");
            }
        }

        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        var random = new Random(10);
        var polled = new List<double>();
        await using (var rig = new Rig(time))
        {
            var options = new SecretStoreOptions();
            var bound = (options.CacheDuration * options.RefreshAheadRatio) + options.BackgroundRefreshInterval;
            for (var round = 0; round < rounds; round++)
            {
                time.Advance(TimeSpan.FromSeconds(random.Next(0, (int)bound.TotalSeconds)));
                var changed = rig.Expect();
                rig.Provider.Set(Rig.Name, $"polled-{round}");
                var started = time.GetUtcNow();
                while (!changed.IsCompleted && time.GetUtcNow() - started < bound * 2)
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                    await Task.Yield();
                    await Rig.SettleAsync(changed);
                }

                polled.Add((time.GetUtcNow() - started).TotalSeconds);
            }

            var sorted = polled.Order().ToArray();
            Console.WriteLine($"Polling-only rotation -> IOptionsMonitor, simulated time, defaults, {rounds} rotations at random moments: p50 {Percentile(sorted, 0.5):0} s, max {sorted[^1]:0} s; bound CacheDuration x RefreshAheadRatio + BackgroundRefreshInterval = {bound.TotalSeconds:0} s");
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>A store with defaults, configuration over it and an options monitor, as an application builds them.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        public const string Name = "app/db";
        private readonly IConfigurationRoot _configuration;
        private readonly ServiceProvider _services;
        private readonly IOptionsMonitor<AppOptions> _monitor;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly IDisposable? _subscription;

        public Rig(TimeProvider time)
        {
            Provider = new InMemorySecretProvider(new InMemorySecretProviderOptions { TimeProvider = time });
            Provider.Set(Name, "initial");
            Store = new SecretStore([Provider], new SecretStoreOptions { Environment = "Development" }, time);
            _configuration = new ConfigurationBuilder().AddSecrets(Store, source =>
            {
                source.TimeProvider = time;
                source.Add("memory://" + Name, "App:Password");
            }).Build();
            _services = new ServiceCollection().Configure<AppOptions>(_configuration.GetSection("App")).BuildServiceProvider();
            _monitor = _services.GetRequiredService<IOptionsMonitor<AppOptions>>();
            _subscription = _monitor.OnChange(_ => Volatile.Read(ref _changed).TrySetResult());
        }

        public static SecretReference Reference { get; } = SecretReference.Parse("memory://" + Name);

        public InMemorySecretProvider Provider { get; }

        public SecretStore Store { get; }

        public Task Expect()
        {
            var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _changed, next);
            return next.Task;
        }

        public async Task<TimeSpan> MeasureAsync(Func<Task> change)
        {
            var changed = Expect();
            var started = Stopwatch.GetTimestamp();
            await change();
            await changed.WaitAsync(TimeSpan.FromSeconds(30));
            return Stopwatch.GetElapsedTime(started);
        }

        /// <summary>Lets work started by a simulated tick finish (or give up after a few real milliseconds).</summary>
        public static Task<Task> SettleAsync(Task changed) => Task.WhenAny(changed, Task.Delay(2));

        public async ValueTask DisposeAsync()
        {
            _subscription?.Dispose();
            ((IDisposable)_configuration).Dispose();
            await _services.DisposeAsync();
            await Store.DisposeAsync();
        }
    }

    private sealed class AppOptions
    {
        public string? Password { get; set; }
    }
}

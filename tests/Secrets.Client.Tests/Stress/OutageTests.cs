using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Secrets.Client.Tests.Stress;

/// <summary>The backend down for a simulated hour, hanging and then refusing connections, with defaults otherwise.</summary>
public class OutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task During_an_hour_long_outage_every_read_of_a_cached_secret_succeeds_within_the_read_timeout()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        var mode = 0; // 0 up, 1 hanging, 2 refusing
        var provider = new ScriptedSecretProvider(time, new SecretProviderOptions())
        {
            Fault = (_, _) => Volatile.Read(ref mode) == 2 ? new HttpRequestException("Connection refused.") : null,
            Latency = ct => Volatile.Read(ref mode) == 1 ? Task.Delay(Timeout.InfiniteTimeSpan, time, ct) : Task.CompletedTask,
        };
        var options = new SecretStoreOptions { Environment = "Test", Randomizer = () => 0.5 };
        await using var store = new SecretStore([provider], options, time);
        var names = Enumerable.Range(0, 10).Select(i => "db" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        foreach (var name in names)
        {
            provider.Set(name, "v");
            await store.GetSecretAsync(ScriptedStoreFixture.Ref(name));
        }

        var start = time.GetUtcNow();
        var outageEnds = start + TimeSpan.FromMinutes(61);
        var failed = 0;
        var reads = 0;
        var slowest = TimeSpan.Zero;
        time.Advance(TimeSpan.FromMinutes(1));
        Volatile.Write(ref mode, 1);
        var step = TimeSpan.FromMilliseconds(250);
        var pending = new List<(DateTimeOffset Started, Task<Secret> Read)>();
        while (time.GetUtcNow() < outageEnds)
        {
            if (time.GetUtcNow() >= start + TimeSpan.FromMinutes(31))
            {
                Volatile.Write(ref mode, 2);
            }

            if (time.GetUtcNow().Millisecond == 0)
            {
                // One read of each secret per simulated second; a store's refresh loop would also run.
                pending.AddRange(names.Select(name => (time.GetUtcNow(), store.GetSecretAsync(ScriptedStoreFixture.Ref(name)).AsTask())));
                if (time.GetUtcNow().Second == 0)
                {
                    _ = store.RefreshAsync().AsTask();
                }
            }

            time.Advance(step);
            for (var settle = 0; settle < 3; settle++)
            {
                await Task.Yield();
            }

            foreach (var (started, read) in pending.Where(p => p.Read.IsCompleted).ToArray())
            {
                pending.Remove((started, read));
                reads++;
                var took = time.GetUtcNow() - started;
                slowest = took > slowest ? took : slowest;
                if (!read.IsCompletedSuccessfully)
                {
                    failed++;
                }
            }

            foreach (var (started, _) in pending)
            {
                Assert.True(time.GetUtcNow() - started <= options.ReadTimeout, $"a read has waited {time.GetUtcNow() - started}");
            }
        }

        output.WriteLine($"{reads} reads over a simulated hour of outage; {failed} failed; slowest {slowest.TotalMilliseconds} ms (simulated)");
        Assert.True(reads > 30_000);
        Assert.Equal(0, failed);
        Assert.True(slowest <= options.ReadTimeout);
    }
}

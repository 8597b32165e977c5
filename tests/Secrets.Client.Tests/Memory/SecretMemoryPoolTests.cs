namespace Secrets.Client.Tests.Memory;

public sealed class SecretMemoryPoolTests
{
    private static readonly byte[] CanaryBytes = System.Text.Encoding.UTF8.GetBytes(Canary.Value);

    [Fact]
    public void Linux_values_live_in_memfd_secret_pages_that_proc_mem_cannot_read()
    {
        if (!OperatingSystem.IsLinux() || !KernelMemory.HasMemfdSecret)
        {
            return; // The mlock path is tested below; docs/security.md lists the kernels without memfd_secret.
        }

        var pool = new SecretMemoryPool(useMemfdSecret: true, requireLockedMemory: false);
        using var value = SecretValue.FromBytes(CanaryBytes, pool);

        Assert.Equal(
            SecretMemoryProtection.Pinned | SecretMemoryProtection.LockedInMemory | SecretMemoryProtection.ExcludedFromCoreDumps |
            SecretMemoryProtection.HiddenFromKernel | SecretMemoryProtection.ExcludedFromChildProcesses,
            value.Protection);
        Assert.Null(KernelMemory.ReadThroughProcMem(value, CanaryBytes.Length));
    }

    [Fact]
    public void Without_memfd_secret_values_are_locked_excluded_from_core_dumps_and_wiped_on_fork()
    {
        var pool = new SecretMemoryPool(useMemfdSecret: false, requireLockedMemory: false);
        using var value = SecretValue.FromBytes(CanaryBytes, pool);

        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(
                SecretMemoryProtection.Pinned | SecretMemoryProtection.LockedInMemory | SecretMemoryProtection.ExcludedFromCoreDumps |
                SecretMemoryProtection.ExcludedFromChildProcesses,
                value.Protection);

            // What memfd_secret buys: these pages are readable through /proc/<pid>/mem.
            Assert.Equal(CanaryBytes, KernelMemory.ReadThroughProcMem(value, CanaryBytes.Length));
        }
    }

    [Fact]
    public void Every_region_sits_between_inaccessible_guard_pages()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        foreach (var useMemfdSecret in new[] { true, false })
        {
            var pool = new SecretMemoryPool(useMemfdSecret, requireLockedMemory: false);
            using var small = SecretValue.FromBytes(CanaryBytes, pool);
            using var large = SecretValue.FromBytes(new byte[10_000], pool);
            foreach (var value in new[] { small, large })
            {
                var maps = KernelMemory.ReadMaps();
                var address = (ulong)KernelMemory.AddressOf(value);
                var index = maps.FindIndex(m => m.Start <= address && address < m.End);
                Assert.True(index > 0 && index < maps.Count - 1);
                Assert.Equal("rw", maps[index].Permissions[..2]);
                Assert.Equal(maps[index - 1].End, maps[index].Start);
                Assert.Equal(maps[index].End, maps[index + 1].Start);
                Assert.StartsWith("---", maps[index - 1].Permissions, StringComparison.Ordinal);
                Assert.StartsWith("---", maps[index + 1].Permissions, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Small_values_are_packed_into_slots_of_their_size_class()
    {
        var pool = new SecretMemoryPool(useMemfdSecret: true, requireLockedMemory: false);
        var values = Enumerable.Range(0, 10_000).Select(i => SecretValue.FromBytes(Filled(32, i), pool)).ToList();

        var usage = pool.MeasureUsage();
        var tier = SecretMemoryUsage.TierOf(values[0].Protection);
        Assert.Equal(10_000, usage.Values(tier));
        Assert.InRange(usage.Bytes(tier) / 10_000.0, 32, 40);
        Assert.All(values, v => Assert.Equal(32, v.Capacity));
        Assert.Equal(10_000, values.Select(v => KernelMemory.AddressOf(v)).Distinct().Count());
        for (var i = 0; i < values.Count; i++)
        {
            using var lease = values[i].Lease();
            Assert.True(lease.Span.SequenceEqual(Filled(32, i)));
        }

        values.ForEach(v => v.Dispose());
        var after = pool.MeasureUsage();
        Assert.Equal(0, after.Values(tier));
        Assert.True(after.Bytes(tier) <= 8192, "Emptied regions go back to the OS; one spare stays.");
    }

    [Fact]
    public void Free_wipes_the_whole_slot_exactly_once_and_the_slot_is_reused()
    {
        var pool = new SecretMemoryPool(useMemfdSecret: true, requireLockedMemory: false);
        var value = SecretValue.FromBytes(CanaryBytes, pool);
        var address = KernelMemory.AddressOf(value);
        var wipes = new List<int>();
        value.WipeProbe = memory =>
        {
            Assert.False(memory.ContainsAnyExcept((byte)0));
            wipes.Add(memory.Length);
        };

        value.Dispose();

        Assert.Equal([SecretMemoryPool.CapacityFor(CanaryBytes.Length)], wipes);
        using var next = SecretValue.FromBytes(new byte[CanaryBytes.Length], pool);
        Assert.Equal(address, KernelMemory.AddressOf(next));
        using var lease = next.Lease();
        Assert.False(lease.Span.ContainsAnyExcept((byte)0));
    }

    [Fact]
    public void Large_values_get_pages_of_their_own_returned_on_free()
    {
        var pool = new SecretMemoryPool(useMemfdSecret: true, requireLockedMemory: false);
        var value = SecretValue.FromBytes(Filled(SecretMemoryPool.LargestSlot + 1, 7), pool);
        var tier = SecretMemoryUsage.TierOf(value.Protection);

        Assert.Equal(Environment.SystemPageSize, value.Capacity);
        Assert.Equal(Environment.SystemPageSize, pool.MeasureUsage().Bytes(tier));
        value.Dispose();
        Assert.Equal(0, pool.MeasureUsage().Bytes(tier));
    }

    [Fact]
    public void A_generous_bound_is_trimmed_to_the_slot_the_value_needs()
    {
        using var value = SecretValue.Create(1000, Canary.Value, static (destination, text) => System.Text.Encoding.UTF8.GetBytes(text, destination));
        using var text = SecretValue.FromText(Canary.Value);

        Assert.Equal(SecretMemoryPool.CapacityFor(CanaryBytes.Length), value.Capacity);
        Assert.Equal(SecretMemoryPool.CapacityFor(CanaryBytes.Length), text.Capacity);
        Assert.Equal(Canary.Value, value.ExposeAsString());
    }

    [Theory]
    [InlineData(0, 16)]
    [InlineData(1, 16)]
    [InlineData(16, 16)]
    [InlineData(17, 32)]
    [InlineData(129, 160)]
    [InlineData(2048, 2048)]
    public void Size_classes_round_up_to_the_next_slot(int length, int capacity) =>
        Assert.Equal(capacity, SecretMemoryPool.CapacityFor(length));

    [Fact]
    public async Task Concurrent_create_and_wipe_across_size_classes_keeps_every_value_intact()
    {
        var pool = new SecretMemoryPool(useMemfdSecret: true, requireLockedMemory: false);
        using var start = new Barrier(4);
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            start.SignalAndWait();
            var held = new List<(SecretValue Value, int Seed, int Length)>();
            for (var i = 0; i < 5_000; i++)
            {
                var length = 1 + ((i * 37 + worker) % 300);
                held.Add((SecretValue.FromBytes(Filled(length, i), pool), i, length));
                if (held.Count > 64)
                {
                    var (value, seed, kept) = held[i % held.Count];
                    held.RemoveAt(i % held.Count);
                    using (var lease = value.Lease())
                    {
                        Assert.True(lease.Span.SequenceEqual(Filled(kept, seed)));
                    }

                    value.Dispose();
                }
            }

            held.ForEach(h => h.Value.Dispose());
        })).ToArray();

        await Task.WhenAll(workers);

        var usage = pool.MeasureUsage();
        Assert.All(SecretMemoryUsage.Tiers, tier => Assert.Equal(0, usage.Values(tier)));
    }

    private static byte[] Filled(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed + (i * 31) + 1);
        }

        return bytes;
    }
}

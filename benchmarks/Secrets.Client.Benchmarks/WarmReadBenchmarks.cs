using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;
using Secrets.Client;
using Secrets.Client.Testing;

namespace Secrets.Client.Benchmarks;

/// <summary>A warm cached read through the store against the bare caches it is compared with.</summary>
[MemoryDiagnoser]
public class WarmReadBenchmarks
{
    private readonly SecretReference _reference = SecretReference.Parse("memory://bench/db");
    private readonly SecretReference _fieldReference = SecretReference.Parse("memory://bench/db#password");
    private readonly ConcurrentDictionary<string, object> _dictionary = new();
    private MemoryCache _memoryCache = null!;
    private SecretStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        var provider = new InMemorySecretProvider();
        provider.Set("bench/db", "{\"password\":\"bench-value\"}");
        _store = new SecretStore([provider], new SecretStoreOptions { CacheDuration = TimeSpan.FromHours(1) });
        _store.GetSecretAsync(_reference).AsTask().GetAwaiter().GetResult();
        _store.GetSecretAsync(_fieldReference).AsTask().GetAwaiter().GetResult();
        _memoryCache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10_000 });
        _memoryCache.Set("bench/db", new object(), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) });
        _dictionary["bench/db"] = new object();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _memoryCache.Dispose();
    }

    [Benchmark(Baseline = true)]
    public object? MemoryCacheTryGetValue() => _memoryCache.TryGetValue("bench/db", out var value) ? value : null;

    [Benchmark]
    public object? ConcurrentDictionaryTryGetValue() => _dictionary.TryGetValue("bench/db", out var value) ? value : null;

    [Benchmark]
    public Secret SecretStoreWarmRead()
    {
        var pending = _store.GetSecretAsync(_reference);
        return pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("not cached");
    }

    [Benchmark]
    public Secret SecretStoreWarmFieldRead()
    {
        var pending = _store.GetSecretAsync(_fieldReference);
        return pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("not cached");
    }
}

namespace Secrets.Client.Tests.Providers;

public class SecretProviderTests
{
    [Fact]
    public async Task The_default_batch_fetches_one_by_one_and_reports_each_secret_in_order()
    {
        await using var provider = new CountingProvider(maxConcurrency: null);

        var results = await provider.GetSecretsAsync([SecretReference.Parse("counting://a"), SecretReference.Parse("counting://missing"), SecretReference.Parse("counting://b")]);

        Assert.Equal("a", results[0].Secret!.Value.ExposeAsString());
        Assert.IsType<SecretNotFoundException>(results[1].Error);
        Assert.Equal("b", results[2].Secret!.Value.ExposeAsString());
        Assert.Equal(1, provider.Peak);
    }

    [Fact]
    public async Task Concurrent_batches_stay_within_the_bound_and_keep_order()
    {
        await using var provider = new CountingProvider(maxConcurrency: 4);
        var references = Enumerable.Range(0, 40).Select(i => SecretReference.Parse($"counting://s{i}")).ToArray();

        var results = await provider.GetSecretsAsync(references);

        Assert.Equal(references.Select(r => r.Path), results.Select(r => r.Secret!.Value.ExposeAsString()));
        Assert.InRange(provider.Peak, 2, 4);
        foreach (var result in results)
        {
            result.Secret!.Dispose();
        }
    }

    [Fact]
    public async Task Cancelling_a_concurrent_batch_disposes_what_was_already_fetched()
    {
        await using var provider = new CountingProvider(maxConcurrency: 2) { HangOn = "s3" };
        using var cancel = new CancellationTokenSource();
        var references = Enumerable.Range(0, 4).Select(i => SecretReference.Parse($"counting://s{i}")).ToArray();

        var batch = provider.GetSecretsAsync(references, cancel.Token).AsTask();
        await Eventually.TrueAsync(() => provider.Fetched.Count == 3, "the first three are fetched");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batch);
        Assert.All(provider.Fetched, value => Assert.True(value.IsWiped));
    }

    /// <summary>A real provider over names that answers with the name as value and tracks how many calls overlap.</summary>
    private sealed class CountingProvider(int? maxConcurrency) : SecretProvider("counting", new SecretProviderOptions())
    {
        private int _inflight;
        private int _peak;

        public int Peak => Volatile.Read(ref _peak);

        public string? HangOn { get; init; }

        public System.Collections.Concurrent.ConcurrentBag<SecretValue> Fetched { get; } = [];

        public override ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default) =>
            maxConcurrency is { } bound ? GetSecretsConcurrentlyAsync(references, bound, cancellationToken) : base.GetSecretsAsync(references, cancellationToken);

        public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
        {
            var now = Interlocked.Increment(ref _inflight);
            int seen;
            while (now > (seen = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
            {
            }

            try
            {
                await Task.Delay(reference.Path == HangOn ? Timeout.Infinite : 2, cancellationToken);
                if (reference.Path == "missing")
                {
                    throw new SecretNotFoundException(Name, reference.Path);
                }

                var value = SecretValue.FromText(reference.Path);
                Fetched.Add(value);
                return new Secret(new SecretProperties(Name, reference.Path), value);
            }
            finally
            {
                Interlocked.Decrement(ref _inflight);
            }
        }

        public override ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new SecretProperties(Name, reference.Path));
    }
}

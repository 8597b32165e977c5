using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Tests.Changes;

/// <summary>
/// One secret followed by every kind of reader at once: configuration (over a decorated store, so only the
/// <see cref="ISecretStore"/> interface is used), an <c>IOptionsMonitor</c>, a typed <see cref="SecretHandle"/> and the
/// decorated store itself. Fake time; the store's one background refresh drives polling.
/// </summary>
internal sealed class ChangeReachFixture : IAsyncDisposable
{
    public const string Name = "db";
    private readonly ServiceProvider _services;
    private readonly IConfigurationRoot _configuration;
    private bool _revoked;

    public ChangeReachFixture(int maxCachedSecrets = 100)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var providerOptions = new InMemorySecretProviderOptions { TimeProvider = Time };
        providerOptions.Resilience.RetryBaseDelay = TimeSpan.Zero;
        providerOptions.Resilience.EnableCircuitBreaker = false;
        Provider = new InMemorySecretProvider(providerOptions);
        Provider.BeforeCall = (name, _) => IsRevoked && name == Name ? throw new SecretAccessDeniedException(Provider.Name, name) : Task.CompletedTask;
        Provider.Set(Name, "v0");
        Store = new SecretStore([Provider], new SecretStoreOptions { Environment = "Development", EvictionGracePeriod = TimeSpan.Zero, Randomizer = () => 0.5, MaxCachedSecrets = maxCachedSecrets }, Time);
        Decorated = new ForwardingSecretStore(Store);
        _configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["App:Handle"] = SecretHandle.Prefix + "memory://" + Name })
            .AddSecrets(Decorated, source =>
            {
                source.TimeProvider = Time;
                source.Add("memory://" + Name, "App:Password");
            })
            .Build();
        _services = new ServiceCollection()
            .AddSingleton<ISecretStore>(Decorated)
            .Configure<AppOptions>(_configuration.GetSection("App"))
            .AddSecretHandles<AppOptions>()
            .BuildServiceProvider();
        Monitor = _services.GetRequiredService<IOptionsMonitor<AppOptions>>();
    }

    public FakeTimeProvider Time { get; }

    public InMemorySecretProvider Provider { get; }

    /// <summary>Gets or sets a value indicating whether the identity lost access to the secret (access denied).</summary>
    public bool IsRevoked
    {
        get => Volatile.Read(ref _revoked);
        set => Volatile.Write(ref _revoked, value);
    }

    public SecretStore Store { get; }

    public ForwardingSecretStore Decorated { get; }

    public IConfiguration Configuration => _configuration;

    public IOptionsMonitor<AppOptions> Monitor { get; }

    public static SecretReference Reference => SecretReference.Parse("memory://" + Name);

    /// <summary>Advances fake time past the documented polling bound (CacheDuration x RefreshAheadRatio + BackgroundRefreshInterval) in interval steps.</summary>
    public void PollPastBound()
    {
        for (var elapsed = TimeSpan.Zero; elapsed <= TimeSpan.FromMinutes(4.5); elapsed += TimeSpan.FromSeconds(30))
        {
            Time.Advance(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// Waits until configuration and the options monitor give <paramref name="expected"/> (null: absent) without reading
    /// the store meanwhile (so no read can be what noticed the change), then checks the handle and the decorated store.
    /// </summary>
    public async Task ReachesAsync(string? expected)
    {
        await Eventually.TrueAsync(() => Configuration["App:Password"] == expected && Monitor.CurrentValue.Password == expected, $"configuration and options give {expected ?? "(absent)"}");
        Assert.Equal(expected, await ReadAsync(Monitor.CurrentValue.Handle!));
        Assert.Equal(expected, await ReadAsync(Decorated));
    }

    public async ValueTask DisposeAsync()
    {
        ((IDisposable)_configuration).Dispose();
        await _services.DisposeAsync();
        await Store.DisposeAsync();
    }

    private static async Task<string?> ReadAsync(SecretHandle handle)
    {
        try
        {
            return (await handle.GetSecretAsync()).Value.ExposeAsString();
        }
        catch (SecretStoreException ex) when (ex is SecretNotFoundException or SecretAccessDeniedException)
        {
            return null;
        }
    }

    private static async Task<string?> ReadAsync(ISecretStore store)
    {
        try
        {
            return (await store.GetSecretAsync(Reference)).Value.ExposeAsString();
        }
        catch (SecretStoreException ex) when (ex is SecretNotFoundException or SecretAccessDeniedException)
        {
            return null;
        }
    }

    internal sealed class AppOptions
    {
        public string? Password { get; set; }

        public SecretHandle? Handle { get; set; }
    }
}

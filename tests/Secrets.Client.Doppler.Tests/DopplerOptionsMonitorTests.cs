using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Doppler.Tests;

public sealed class DopplerOptionsMonitorTests
{
    public sealed class StripeOptions
    {
        public string? Key { get; set; }
    }

    [Fact]
    public async Task A_secret_changed_in_Doppler_reaches_IOptionsMonitor_through_the_stores_change_checks()
    {
        await using var doppler = await DopplerEmulator.StartAsync();
        doppler.SetSecret("shop", "dev", "STRIPE_KEY", "sk_test_first");
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var provider = new DopplerSecretProvider(
            new DopplerSecretProviderOptions { Endpoint = doppler.Address, ServiceToken = doppler.CreateServiceToken("shop", "dev"), ChangeCheckInterval = TimeSpan.Zero, TimeProvider = time });
        var config = new ConfigurationBuilder()
            .AddSecrets(source =>
            {
                source.Providers.Add(provider);
                source.TimeProvider = time;
                source.StoreOptions.Randomizer = () => 0;
                source.Add("doppler://STRIPE_KEY", "Stripe:Key");
            })
            .Build();
        using var services = new ServiceCollection().Configure<StripeOptions>(config.GetSection("Stripe")).BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<StripeOptions>>();
        Assert.Equal("sk_test_first", monitor.CurrentValue.Key);
        var changed = new TaskCompletionSource<StripeOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = monitor.OnChange(options => changed.TrySetResult(options));

        doppler.SetSecret("shop", "dev", "STRIPE_KEY", "sk_test_second");
        time.Advance(TimeSpan.FromMinutes(4));
        var updated = await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("sk_test_second", updated.Key);
        ((IDisposable)config).Dispose();
    }
}

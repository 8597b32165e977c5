using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Secrets.Client.Gcp.Tests.Events;

public class GcpSecretChangeListenerServiceCollectionExtensionsTests
{
    [Fact]
    public async Task The_listener_subscribes_when_the_host_starts_and_deletes_its_subscription_when_it_stops()
    {
        await using var f = await GcpEventsFixture.StartAsync();
        var token = f.PubSub.TestToken;
        var services = new ServiceCollection().AddLogging().AddSingleton<ISecretStore>(f.Store);
        services.AddGcpSecretChangeListener(o =>
        {
            o.Endpoint = f.PubSub.Endpoint;
            o.Topic = f.Topic;
            o.InstanceId = "hosted";
            o.AccessTokenProvider = _ => new ValueTask<string>(token);
            o.PullTimeout = TimeSpan.FromSeconds(1);
        });
        await using var provider = services.BuildServiceProvider();
        var hosted = Assert.Single(provider.GetServices<IHostedService>().OfType<GcpSecretChangeListener>());
        var listener = provider.GetRequiredService<GcpSecretChangeListener>();

        await hosted.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => f.PubSub.SubscriptionNames.Contains(listener.SubscriptionName), "the subscription was made");
        await hosted.StopAsync(CancellationToken.None);

        Assert.Equal($"projects/{f.PubSub.ProjectId}/subscriptions/secrets-client-hosted", listener.SubscriptionName);
        Assert.DoesNotContain(listener.SubscriptionName, f.PubSub.SubscriptionNames);
        Assert.Same(listener, provider.GetRequiredService<SecretChangeListener>());
    }

    [Fact]
    public void Invalid_options_fail_at_registration_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddGcpSecretChangeListener(o => o.Subscription = "projects/p/topics/wrong"));
        Assert.Contains("Subscription", error.Message, StringComparison.Ordinal);
    }
}

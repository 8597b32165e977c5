using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Secrets.Client.Aws.Events.Tests;

public class AwsSecretChangeListenerServiceCollectionExtensionsTests
{
    [Fact]
    public async Task The_listener_starts_and_stops_with_the_host_reports_health_and_logs_no_value()
    {
        await using var f = await AwsEventsFixture.StartAsync();
        f.SecretsManager.CreateSecret("app/db", "CANARY-host-1");
        await f.Store.GetSecretAsync(new SecretReference("aws-sm", "app/db"));
        var logs = new FakeLogCollector();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddSingleton<ISecretStore>(f.Store);
        builder.Services.AddSingleton<IAmazonSQS>(f.Client);
        builder.Services.AddAwsSecretChangeListener(o =>
        {
            o.WaitTimeSeconds = 1;
            o.InstanceQueue = new AwsInstanceQueueOptions
            {
                InstanceId = "hosted",
                TopicArn = AwsEventsFixture.TopicArn,
                Subscribe = (_, queueArn, _) => Task.FromResult(f.Sqs.Subscribe(AwsEventsFixture.Topic, queueArn)),
                Unsubscribe = (arn, _) => Task.FromResult(f.Sqs.Unsubscribe(arn)),
            };
        });
        using var host = builder.Build();
        var changed = Changed.NextAsync(f.Store, "app/db");

        await host.StartAsync();
        var listener = host.Services.GetRequiredService<AwsSecretChangeListener>();
        await Eventually.TrueAsync(() => listener.Status.Connected, "the hosted listener received");
        f.SecretsManager.PutSecretValue("app/db", "CANARY-host-2");
        await changed;
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await host.StopAsync();

        Assert.Equal(HealthStatus.Healthy, health.Entries["secrets-listeners"].Status);
        Assert.DoesNotContain("secrets-client-hosted", f.Sqs.QueueNames);
        var text = string.Join('\n', logs.GetSnapshot().Select(r => r.Message + " " + r.Exception));
        Assert.Contains("aws-sqs", text, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_fail_at_registration_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddAwsSecretChangeListener(o => o.QueueUrl = null));
        Assert.Contains("QueueUrl", error.Message, StringComparison.Ordinal);
    }
}

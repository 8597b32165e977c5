using Secrets.Client.Testing;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

public sealed class AwsSecretsManagerSecretProviderAgentTests
{
    [Fact]
    public async Task Reads_values_through_the_local_agent_with_its_token()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("agent/db", "agent-value");
        emulator.PutSecretValue("agent/db", "agent-value-2");
        await using var provider = CreateProvider(emulator, o =>
        {
            o.UseAgent = true;
            o.AgentEndpoint = emulator.Endpoint;
            o.AgentToken = emulator.AgentToken;
        });

        using var current = await provider.GetSecretAsync(Ref("agent/db"));
        using var previous = await provider.GetSecretAsync(Ref("agent/db", stage: "AWSPREVIOUS"));
        var batch = await provider.GetSecretsAsync([Ref("agent/db")]);
        using var batched = batch[0].Secret;

        Assert.Equal("agent-value-2", Text(current));
        Assert.Equal("agent-value", Text(previous));
        Assert.Equal("agent-value-2", Text(batched!));
        Assert.Equal(3, emulator.GetRequestCount("Agent.GetSecretValue"));
        Assert.Equal(0, emulator.GetRequestCount("GetSecretValue"));
        Assert.Equal(0, emulator.GetRequestCount("BatchGetSecretValue"));
    }

    [Fact]
    public async Task A_wrong_agent_token_is_access_denied()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("agent/db", "agent-value");
        await using var provider = CreateProvider(emulator, o =>
        {
            o.UseAgent = true;
            o.AgentEndpoint = emulator.Endpoint;
            o.AgentToken = "wrong";
        });

        await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(Ref("agent/db")).AsTask());
    }

    [Fact]
    public void Refuses_a_plain_http_agent_off_loopback()
    {
        var options = new AwsSecretsManagerSecretProviderOptions { UseAgent = true, AgentEndpoint = new Uri("http://10.0.0.5:2773/"), Region = "us-east-1" };

        var error = Assert.Throws<ArgumentException>(() => new AwsSecretsManagerSecretProvider(options));

        Assert.Contains("AgentEndpoint", error.Message, StringComparison.Ordinal);
    }
}

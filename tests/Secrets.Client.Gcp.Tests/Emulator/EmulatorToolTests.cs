using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Gcp.Tests.Emulator;

/// <summary>The standalone <c>secrets-emulator gcp</c> process prints what a client needs and serves Secret Manager.</summary>
public sealed class EmulatorToolTests
{
    [Fact]
    public async Task Prints_emulator_host_and_project_and_serves_without_authentication()
    {
        await using var tool = await EmulatorToolProcess.StartAsync(2, "gcp", "--port", "0");
        var variables = tool.Variables;

        Assert.StartsWith("127.0.0.1:", variables["SECRET_MANAGER_EMULATOR_HOST"], StringComparison.Ordinal);
        await using var provider = new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions
        {
            Endpoint = new Uri("http://" + variables["SECRET_MANAGER_EMULATOR_HOST"]),
            DefaultProject = variables["GOOGLE_CLOUD_PROJECT"],
            AccessTokenProvider = _ => new ValueTask<string>("any-token-the-emulator-ignores"),
        });

        using (var value = SecretValue.FromText("from-the-tool"))
        {
            await provider.SetSecretAsync("db-password", value);
        }

        using var secret = await provider.GetSecretAsync(SecretReference.Parse("gcp-sm://db-password"));
        Assert.Equal("from-the-tool", secret.Value.ExposeAsString());

        Assert.Equal(0, await tool.StopAsync());
    }
}

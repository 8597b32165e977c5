using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Gcp.Tests.Emulator;

/// <summary>The standalone <c>secrets-emulator gcp</c> process prints what a client needs and serves Secret Manager.</summary>
public sealed class EmulatorToolTests
{
    [Fact]
    public async Task Prints_endpoint_project_and_token_and_serves_the_provider()
    {
        await using var tool = await EmulatorToolProcess.StartAsync(3, "gcp", "--port", "0");
        var variables = tool.Variables;

        Assert.StartsWith("http://127.0.0.1:", variables["GCP_SECRET_MANAGER_ENDPOINT"], StringComparison.Ordinal);
        var token = variables["GCP_ACCESS_TOKEN"];
        await using var provider = new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions
        {
            Endpoint = new Uri(variables["GCP_SECRET_MANAGER_ENDPOINT"]),
            DefaultProject = variables["GCP_PROJECT"],
            AccessTokenProvider = _ => new ValueTask<string>(token),
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
